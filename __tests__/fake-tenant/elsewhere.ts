/**
 * Another origin a misbehaving Graph (or a proxy in front of it) redirects to:
 * one https server on 127.0.0.1 (a different origin from Graph's `localhost`)
 * and one plain-http server. Each answers any GET with a page of "foreign"
 * records, so a client that followed a redirect would export them; every
 * request it receives is logged, so a test can prove none was sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listen, sendJson } from './http-util.js'

export const FOREIGN_ID_PREFIX = 'foreign-'

export interface ElsewhereRequest {
  scheme: 'https' | 'http'
  method: string
  url: string
  authorization?: string
}

export interface FakeElsewhere {
  /** https://127.0.0.1:PORT */
  httpsUrl: string
  /** http://localhost:PORT */
  httpUrl: string
  requests: ElsewhereRequest[]
  close(): Promise<void>
}

export async function startElsewhere(
  tls: { cert: string; key: string },
  /** When the foreign records happened: inside the window a test exports, so following would show. */
  recordTime: () => string
): Promise<FakeElsewhere> {
  const requests: ElsewhereRequest[] = []
  const handler =
    (scheme: 'https' | 'http') =>
    (req: IncomingMessage, res: ServerResponse): void => {
      requests.push({
        scheme,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization
      })
      const now = recordTime()
      sendJson(res, 200, {
        // Shaped like a Graph page, and like a token answer, so either would be taken if followed.
        value: [1, 2, 3].map(i => ({
          id: `${FOREIGN_ID_PREFIX}${i}`,
          createdDateTime: now,
          activityDateTime: now
        })),
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: 'foreign-token'
      })
    }
  const secure = await listen(handler('https'), tls, '127.0.0.1')
  const plain = await listen(handler('http'))
  return {
    httpsUrl: secure.url,
    httpUrl: plain.url,
    requests,
    close: async () => {
      await Promise.all([secure.close(), plain.close()])
    }
  }
}
