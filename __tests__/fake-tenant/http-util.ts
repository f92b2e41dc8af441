/** Plumbing shared by the simulated servers: listening, bodies, JSON replies. */
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttps } from 'node:https'
import type { AddressInfo } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void

export interface Listening {
  port: number
  /** Base URL without trailing slash. */
  url: string
  close(): Promise<void>
}

function wrap(handler: Handler): Handler {
  return async (req, res) => {
    try {
      await handler(req, res)
    } catch (error) {
      // A bug in the fake must be loud, but must not take the test process down.
      console.error('fake-tenant handler error', error)
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'FakeServerBug', message: String(error) } })
      else res.destroy()
    }
  }
}

async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return (server.address() as AddressInfo).port
}

/**
 * Listens on 127.0.0.1 and, when the machine has IPv6 loopback, on ::1 with the same
 * port, because clients resolve `localhost` to either.
 */
export async function listen(
  handler: Handler,
  tls?: { cert: string; key: string },
  host: 'localhost' | '127.0.0.1' = 'localhost'
): Promise<Listening> {
  const make = (): Server =>
    tls ? createHttps({ cert: tls.cert, key: tls.key }, wrap(handler)) : createHttp(wrap(handler))
  const servers = [make()]
  const port = await listenOn(servers[0], 0, '127.0.0.1')
  if (host === 'localhost') {
    const v6 = make()
    try {
      await listenOn(v6, port, '::1')
      servers.push(v6)
    } catch {
      // No IPv6 loopback here: IPv4 alone will do.
    }
  }
  const scheme = tls ? 'https' : 'http'
  return {
    port,
    url: `${scheme}://${host}:${port}`,
    async close() {
      await Promise.all(
        servers.map(
          s =>
            new Promise<void>(resolve => {
              s.close(() => resolve())
              s.closeAllConnections()
            })
        )
      )
    }
  }
}

export async function readBody(req: IncomingMessage, limit = 512 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const b = chunk as Buffer
    size += b.length
    if (size > limit) throw new Error('request body too large')
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  sendJsonText(res, status, JSON.stringify(body), headers)
}

/** As sendJson, for a body already serialised. */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url')
}

/** Decodes a compact JWT without verifying it. */
export function decodeJwt(jwt: string):
  | {
      header: Record<string, unknown>
      payload: Record<string, unknown>
      signingInput: string
      signature: Buffer
    }
  | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3) return undefined
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >,
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url')
    }
  } catch {
    return undefined
  }
}
