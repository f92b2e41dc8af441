/**
 * The fake Microsoft Graph report endpoints: OData filter, $top, newest-first paging
 * through opaque server-side skip tokens, bearer-token checks, per-app throttling and
 * seeded faults. Skip tokens name an immutable cursor, so following the same nextLink
 * twice (a client retrying a failed page) serves the same page again.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { LogTypeName } from '../../src/settings.js'
import type { Dataset, GraphRecord } from './dataset.js'
import {
  DEFAULT_THROTTLE,
  FaultDice,
  type FaultKind,
  type GraphBehaviour,
  retryAfterHeader,
  SlidingWindow
} from './graph-behaviour.js'
import { listen, sendJson, sleep } from './http-util.js'
import { type Cursor, GraphError, matching, parseQuery, type Query, ROUTES } from './graph-query.js'
import type { TokenRegistry } from './tokens.js'

export type { GraphBehaviour, GraphFaults, FaultKind } from './graph-behaviour.js'

export interface GraphRequestLog {
  at: number
  method: string
  path: string
  search: string
  status: number
  logType?: LogTypeName
  filter?: string
  top?: number
  /** True when the request followed a nextLink. */
  skipToken?: boolean
  fault?: FaultKind
  appId?: string
  tokenMode?: string
  prefer?: string
  records?: number
}

export interface GraphCounters {
  requests: number
  pagesServed: number
  recordsServed: number
  /** 429s from the sliding-window limit (injected 429s count under faults). */
  throttled: number
  unauthorized: number
  faults: Partial<Record<FaultKind, number>>
}

export interface FakeGraph {
  url: string
  requests: GraphRequestLog[]
  counters: GraphCounters
  behaviour: GraphBehaviour
  configure(patch: GraphBehaviour): void
  addRecords(logType: LogTypeName, records: GraphRecord[]): void
  close(): Promise<void>
}

export async function startGraph(opts: {
  dataset: Dataset
  tokens: TokenRegistry
  tls: { cert: string; key: string }
  behaviour?: GraphBehaviour
}): Promise<FakeGraph> {
  const { dataset, tokens } = opts
  const behaviour: GraphBehaviour = { ...opts.behaviour }
  const dice = new FaultDice(behaviour.faultSeed ?? 42)
  const tailDice = new FaultDice(behaviour.latencySeed ?? 99)
  const window = new SlidingWindow()
  const cursors = new Map<string, Cursor>()
  const requests: GraphRequestLog[] = []
  const counters: GraphCounters = {
    requests: 0,
    pagesServed: 0,
    recordsServed: 0,
    throttled: 0,
    unauthorized: 0,
    faults: {}
  }
  let followedLinks = 0
  let baseUrl = ''

  const countFault = (kind: FaultKind): void => {
    counters.faults[kind] = (counters.faults[kind] ?? 0) + 1
  }

  function issueToken(cursor: Cursor): string {
    const token = randomBytes(18).toString('base64url')
    cursors.set(token, cursor)
    return token
  }

  function nextLink(q: Query, token: string): string {
    const filter = q.filter ? `&$filter=${encodeURIComponent(q.filter)}` : ''
    return `${baseUrl}${q.path}?$top=${q.top}${filter}&$skiptoken=${token}`
  }

  async function servePage(
    res: ServerResponse,
    cursor: Cursor,
    entry: GraphRequestLog
  ): Promise<void> {
    const q = cursor.query
    const f = behaviour.faults
    let take = q.top
    if (f?.shortPages && dice.next() < f.shortPages) {
      take = Math.floor(dice.next() * (q.top / 2))
      entry.fault = 'shortPage'
      countFault('shortPage')
    }
    const page: { key: number; record: GraphRecord }[] = []
    const it = matching(dataset, cursor)
    let more = false
    for (let r = it.next(); !r.done; r = it.next()) {
      if (page.length >= take) {
        more = true
        break
      }
      page.push(r.value)
    }
    let next: Cursor = cursor
    if (page.length > 0) {
      const lastKey = page[page.length - 1].key
      const atLast = page.filter(e => e.key === lastKey).length
      const skip = lastKey === cursor.afterKey ? cursor.skipAtKey + atLast : atLast
      next = { query: q, afterKey: lastKey, skipAtKey: skip }
    }
    const value: GraphRecord[] = []
    for (const e of page) {
      value.push(e.record)
      if (f?.duplicateRate && dice.next() < f.duplicateRate) {
        value.push(e.record)
        countFault('duplicate')
      }
    }
    // Re-publish the page's last record at the top of the next page.
    if (more && f?.duplicateRate && next.skipAtKey > 0 && dice.next() < f.duplicateRate) {
      next = { ...next, skipAtKey: next.skipAtKey - 1 }
      countFault('duplicate')
    }
    const version = q.path.split('/')[1]
    const body: Record<string, unknown> = {
      '@odata.context': `${baseUrl}/${version}/$metadata#${q.path.split('/').slice(2).join('/')}`,
      value
    }
    if (more) body['@odata.nextLink'] = nextLink(q, issueToken(next))
    await sleep(pageLatency(q, value.length))
    counters.pagesServed++
    counters.recordsServed += value.length
    entry.records = value.length
    sendJson(res, 200, body, {
      'Content-Type':
        'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'
    })
  }

  /** Base latency, plus per record and per hour of the query's range, times the tail's factor. */
  function pageLatency(q: Query, records: number): number {
    const hours =
      Number.isFinite(q.loKey) && Number.isFinite(q.hiKey) ? (q.hiKey - q.loKey) / 36e9 : 0
    const ms =
      dice.latency(behaviour.latencyMs) +
      (behaviour.latencyPerRecordMs ?? 0) * records +
      (behaviour.latencyPerHourMs ?? 0) * Math.max(0, hours)
    return ms * tailDice.tailFactor(behaviour.latencyTail)
  }

  function injectTransportFault(res: ServerResponse, kind: 'reset' | 'truncated'): void {
    const body = Buffer.from(JSON.stringify({ '@odata.context': 'x', value: [{ id: 'partial' }] }))
    const part = body.subarray(0, Math.floor(body.length / 2))
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (kind === 'truncated') headers['Content-Length'] = String(body.length + 4096)
    res.writeHead(200, headers)
    res.write(part, () => res.socket?.destroy())
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl)
    const entry: GraphRequestLog = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      status: 0,
      prefer: typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined
    }
    requests.push(entry)
    counters.requests++
    res.once('close', () => {
      entry.status = res.statusCode
    })
    const fail = (e: GraphError): void => {
      sendJson(
        res,
        e.status,
        {
          error: {
            code: e.code,
            message: e.message,
            innerError: { date: new Date().toISOString(), 'request-id': randomUUID() }
          }
        },
        e.headers
      )
    }
    try {
      const route = ROUTES[url.pathname]
      if (!route)
        throw new GraphError(
          404,
          'ResourceNotFound',
          `Resource not found for the segment '${url.pathname}'.`
        )
      if (req.method !== 'GET')
        throw new GraphError(405, 'Request_BadRequest', 'Method not allowed.')
      const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
      const issued = auth ? tokens.valid(auth[1]) : undefined
      if (!issued) {
        counters.unauthorized++
        throw new GraphError(
          401,
          'InvalidAuthenticationToken',
          auth ? 'Access token has expired or is not yet valid.' : 'Access token is empty.'
        )
      }
      entry.appId = issued.appId
      entry.tokenMode = issued.mode
      const limit =
        behaviour.throttle === false ? undefined : (behaviour.throttle ?? DEFAULT_THROTTLE)
      const wait = limit
        ? window.admit(`${issued.tenantId}/${issued.appId}`, limit.limit, limit.windowMs)
        : undefined
      if (wait !== undefined) {
        counters.throttled++
        throw new GraphError(
          429,
          'TooManyRequests',
          'Too many requests.',
          retryAfterHeader(behaviour.retryAfter, wait)
        )
      }

      const skipToken = url.searchParams.get('$skiptoken')
      let cursor: Cursor
      if (skipToken !== null) {
        entry.skipToken = true
        followedLinks++
        const at = behaviour.faults?.invalidSkipTokenAt
        const bad = at !== undefined && (Array.isArray(at) ? at : [at]).includes(followedLinks)
        const known = cursors.get(skipToken)
        if (bad || !known) {
          if (bad) {
            entry.fault = 'invalidSkipToken'
            countFault('invalidSkipToken')
          }
          throw new GraphError(400, 'BadRequest', 'Invalid Skip Token')
        }
        cursor = known
      } else {
        const query = parseQuery(route, url.pathname, url.searchParams, dataset)
        if (behaviour.edgeSlackMs) {
          // A server whose window edges are loose: records just outside the asked range leak in.
          const slack = behaviour.edgeSlackMs * 1e4
          query.loKey -= slack
          query.hiKey += slack
        }
        cursor = { query, afterKey: Infinity, skipAtKey: 0 }
      }
      const q = cursor.query
      entry.logType = q.logType
      entry.filter = q.filter || undefined
      entry.top = q.top
      if (behaviour.notFound?.includes(q.logType)) {
        throw new GraphError(
          404,
          'ResourceNotFound',
          `Resource not found for the segment '${url.pathname.split('/').pop()}'.`
        )
      }
      const forbidden = behaviour.forbidden?.[q.logType]
      if (forbidden === 'licence') {
        throw new GraphError(
          403,
          'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
          "Neither tenant is B2C or tenant doesn't have premium license"
        )
      }
      if (forbidden === 'permission') {
        throw new GraphError(
          403,
          'Authentication_MSGraphPermissionMissing',
          'Calling principal does not have required MSGraph permissions AuditLog.Read.All'
        )
      }

      const fault = dice.pageFault(behaviour.faults)
      if (fault) {
        entry.fault = fault
        countFault(fault)
        const retry = { 'Retry-After': String(behaviour.faultRetryAfterSec ?? 1) }
        if (fault === 'reset' || fault === 'truncated') return injectTransportFault(res, fault)
        if (fault === '429')
          throw new GraphError(429, 'TooManyRequests', 'Too many requests.', retry)
        if (fault === '504') await sleep(dice.latency(behaviour.latencyMs))
        const codes: Record<string, string> = {
          '500': 'InternalServerError',
          '502': 'BadGateway',
          '503': 'ServiceUnavailable',
          '504': 'GatewayTimeout'
        }
        throw new GraphError(
          Number(fault),
          codes[fault],
          'Simulated server fault.',
          fault === '503' ? retry : {}
        )
      }
      await servePage(res, cursor, entry)
    } catch (e) {
      if (e instanceof GraphError) return fail(e)
      throw e
    }
  }

  const server = await listen(handle, opts.tls)
  baseUrl = server.url
  return {
    url: server.url,
    requests,
    counters,
    behaviour,
    configure(patch) {
      Object.assign(behaviour, patch)
      if (patch.faultSeed !== undefined) dice.reseed(patch.faultSeed)
      if (patch.latencySeed !== undefined) tailDice.reseed(patch.latencySeed)
    },
    addRecords(logType, records) {
      dataset.store(logType).add(records)
    },
    close: () => server.close()
  }
}
