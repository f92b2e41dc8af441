/**
 * The transport alone, against two local https servers on the same host name
 * but different ports (the Graph SDK's customHosts matches host names only, so
 * only the origin check keeps the token from the second): the bearer token goes
 * to the configured Graph origin and nowhere else, redirects come back as
 * themselves, and a token failure is told apart from a page failure.
 */
import type { AccessToken, TokenCredential } from '@azure/identity'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ensurePki } from '../fake-tenant/index.js'
import { listen, type Listening } from '../fake-tenant/http-util.js'
import { createGraphTransport } from '../../src/graph/graph-transport.js'
import { GraphRequestError, TokenRequestError } from '../../src/graph/graph-errors.js'

interface Seen {
  url: string
  authorization?: string
  prefer?: string
  clientRequestId?: string
}

let graph: Listening
let other: Listening
const seen: { graph: Seen[]; other: Seen[] } = { graph: [], other: [] }

function recorder(into: Seen[], redirectTo?: () => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    into.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
      prefer: req.headers.prefer as string | undefined,
      clientRequestId: req.headers['client-request-id'] as string | undefined
    })
    if (redirectTo && req.url?.startsWith('/redirect')) {
      res.writeHead(302, { location: redirectTo() })
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ value: [] }))
  }
}

beforeAll(async () => {
  const pki = ensurePki()
  const tls = { cert: pki.serverCertPem, key: pki.serverKeyPem }
  other = await listen(recorder(seen.other), tls)
  graph = await listen(
    recorder(seen.graph, () => `${other.url}/v1.0/auditLogs/directoryAudits`),
    tls
  )
})
afterAll(async () => {
  await graph?.close()
  await other?.close()
})
beforeEach(() => {
  seen.graph.length = 0
  seen.other.length = 0
})

function credential(): TokenCredential & { calls: number } {
  const c = {
    calls: 0,
    getToken(): Promise<AccessToken> {
      c.calls++
      return Promise.resolve({ token: 'secret-token', expiresOnTimestamp: Date.now() + 3600_000 })
    }
  }
  return c
}

const signal = (): AbortSignal => AbortSignal.timeout(10_000)

describe('createGraphTransport', () => {
  it('sends the token to the Graph origin with the query string verbatim', async () => {
    const transport = createGraphTransport({
      credential: credential(),
      graphEndpoint: graph.url,
      scope: `${graph.url}/.default`
    })
    // A nextLink's query as Graph wrote it: the SDK's client.api() would re-encode it.
    const path = "/beta/auditLogs/signIns?$top=5&$skiptoken=a%2Bb%3D%3D&$filter=x eq 'y'"
    const response = await transport.get(graph.url + path, signal())
    expect(response.status).toBe(200)
    await response.text()
    expect(seen.graph).toEqual([
      {
        url: new URL(graph.url + path).pathname + new URL(graph.url + path).search,
        authorization: 'Bearer secret-token',
        prefer: 'include-unknown-enum-members',
        clientRequestId: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        )
      }
    ])
  })

  it('says when each request has left, after the token and before the answer, each its own', async () => {
    const tokenAt: number[] = []
    const transport = createGraphTransport({
      credential: {
        async getToken() {
          // A slow token lookup: the request leaves only after it.
          await new Promise(resolve => setTimeout(resolve, 150))
          tokenAt.push(performance.now())
          return { token: 'secret-token', expiresOnTimestamp: Date.now() + 3600_000 }
        }
      },
      graphEndpoint: graph.url,
      scope: `${graph.url}/.default`
    })
    const sentAt: Record<string, number> = {}
    const answeredAt: Record<string, number> = {}
    const calledAt = performance.now()
    const bodies = await Promise.all(
      ['a', 'b'].map(async name => {
        const response = await transport.get(
          `${graph.url}/v1.0/auditLogs/directoryAudits?n=${name}`,
          signal(),
          () => {
            sentAt[name] = performance.now()
          }
        )
        answeredAt[name] = performance.now()
        return response.text()
      })
    )
    expect(bodies).toEqual(['{"value":[]}', '{"value":[]}'])
    expect(Object.keys(sentAt).sort()).toEqual(['a', 'b'])
    for (const name of ['a', 'b']) {
      expect(sentAt[name]).toBeGreaterThanOrEqual(Math.min(...tokenAt))
      expect(sentAt[name] - calledAt).toBeGreaterThanOrEqual(140)
      expect(sentAt[name]).toBeLessThanOrEqual(answeredAt[name])
    }
    const ids = seen.graph.map(s => s.clientRequestId)
    expect(new Set(ids).size).toBe(2)
  })

  it('sends nothing, token or request, to a link on another origin of the same host', async () => {
    const cred = credential()
    const transport = createGraphTransport({
      credential: cred,
      graphEndpoint: graph.url,
      scope: `${graph.url}/.default`
    })
    const link = `${other.url}/v1.0/auditLogs/directoryAudits?$skiptoken=x`
    await expect(transport.get(link, signal())).rejects.toThrow(GraphRequestError)
    await expect(transport.get(link, signal())).rejects.toThrow(/Refusing to follow a link outside/)
    expect(seen.other).toEqual([])
    expect(cred.calls).toBe(0)
  })

  it('never follows a redirect: the 3xx comes back as itself', async () => {
    const transport = createGraphTransport({
      credential: credential(),
      graphEndpoint: graph.url,
      scope: `${graph.url}/.default`
    })
    const response = await transport.get(`${graph.url}/redirect`, signal())
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toMatch(/^https:\/\/localhost:\d+\/v1\.0\//)
    await response.text()
    expect(seen.graph).toHaveLength(1)
    expect(seen.other).toEqual([])
  })

  it('tells a token failure apart from a failure of the page', async () => {
    const failing: TokenCredential = {
      getToken: () => Promise.reject(new Error('AADSTS7000215: invalid client secret'))
    }
    const transport = createGraphTransport({
      credential: failing,
      graphEndpoint: graph.url,
      scope: `${graph.url}/.default`
    })
    const attempt = transport.get(`${graph.url}/v1.0/auditLogs/directoryAudits`, signal())
    await expect(attempt).rejects.toThrow(TokenRequestError)
    await expect(attempt).rejects.toThrow(/AADSTS7000215/)
    expect(seen.graph).toEqual([])
  })

  it('refuses a Graph endpoint on plain http (a token must not travel unencrypted)', () => {
    expect(() =>
      createGraphTransport({
        credential: credential(),
        graphEndpoint: 'http://localhost:1',
        scope: 'x'
      })
    ).toThrow(/must use https/)
  })
})
