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
import { startElsewhere, type FakeElsewhere } from './elsewhere.js'
import { listen, sendJson, sendJsonText, sleep } from './http-util.js'
import {
  CLOUD_AVAILABILITY,
  type Cursor,
  GraphError,
  matching,
  parseQuery,
  type Query,
  ROUTES
} from './graph-query.js'
import { retentionEdgeMs, retentionError } from './graph-retention.js'
import { hashString, mulberry32 } from './random.js'
import type { TokenRegistry } from './tokens.js'

export type {
  GraphBehaviour,
  GraphFaults,
  FaultKind,
  GraphPlant,
  GraphRedirect
} from './graph-behaviour.js'

/** Fields a planted text is appended to (those of them a record has). */
const PLANT_FIELDS = [
  'userDisplayName',
  'appDisplayName',
  'servicePrincipalName',
  'activityDisplayName',
  'resourceDisplayName'
]

export interface GraphRequestLog {
  at: number
  /** When the response was closed (sent or failed). */
  endedAt?: number
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
  /** The other origin redirects point to, and what it was asked. */
  elsewhere: FakeElsewhere
  configure(patch: GraphBehaviour): void
  addRecords(logType: LogTypeName, records: GraphRecord[]): void
  close(): Promise<void>
}

export async function startGraph(opts: {
  dataset: Dataset
  tokens: TokenRegistry
  tls: { cert: string; key: string }
  behaviour?: GraphBehaviour
  /** The tenant's "now", for the retention edge (default: the real clock). */
  now?: number
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
  const undatedServed = new Set<LogTypeName>()
  let baseUrl = ''
  const now = (): number => opts.now ?? Date.now()
  const segmentNotFound = (path: string): GraphError =>
    new GraphError(
      400,
      'BadRequest',
      `Resource not found for the segment '${path.split('/').pop()}'.`
    )

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
    const order = q.orderBy ? `&$orderby=${encodeURIComponent(q.orderBy)}` : ''
    const planted = behaviour.plant?.nextLink ? `&note=${behaviour.plant.nextLink}` : ''
    const to = behaviour.plant?.nextLinkTo
    const base =
      to === 'cross-origin' ? elsewhere.httpsUrl : to === 'plain-http' ? elsewhere.httpUrl : baseUrl
    return `${base}${q.path}?$top=${q.top}${filter}${order}${planted}&$skiptoken=${token}`
  }

  /** Every match of an unordered query, in an order that has nothing to do with time. */
  function shuffle(q: Query): Cursor {
    const entries = [...matching(dataset, { query: q, afterKey: Infinity, skipAtKey: 0 })]
    const rng = mulberry32(hashString(`${q.filter}|${counters.requests}`))
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      ;[entries[i], entries[j]] = [entries[j], entries[i]]
    }
    return { query: q, afterKey: Infinity, skipAtKey: 0, shuffled: { entries, offset: 0 } }
  }

  function planted(record: GraphRecord): GraphRecord {
    const text = behaviour.plant?.recordField
    if (!text) return record
    const copy: GraphRecord = { ...record }
    for (const field of PLANT_FIELDS) {
      if (field in copy) copy[field] = `${String(copy[field] ?? '')}${text}`
    }
    return copy
  }

  /** A redirect answer, or undefined when this request is served. */
  function redirectFor(url: URL, followingLink: boolean): string | undefined {
    const r = behaviour.redirect
    if (!r || url.searchParams.has('redirected')) return undefined
    const on = r.on ?? 'all'
    if ((on === 'first-page' && followingLink) || (on === 'next-link' && !followingLink))
      return undefined
    if (r.to === 'same-origin') {
      const again = new URL(url)
      again.searchParams.set('redirected', '1')
      return again.toString()
    }
    const base = r.to === 'cross-origin' ? elsewhere.httpsUrl : elsewhere.httpUrl
    return `${base}${url.pathname}${url.search}`
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
    let page: { key: number; record: GraphRecord }[] = []
    let more = false
    const shuffled = cursor.shuffled
    if (shuffled) {
      page = shuffled.entries.slice(shuffled.offset, shuffled.offset + take)
      more = shuffled.offset + page.length < shuffled.entries.length
    } else {
      const it = matching(dataset, cursor)
      for (let r = it.next(); !r.done; r = it.next()) {
        if (page.length >= take) {
          more = true
          break
        }
        page.push(r.value)
      }
    }
    let next: Cursor = cursor
    if (shuffled) {
      next = { ...cursor, shuffled: { ...shuffled, offset: shuffled.offset + page.length } }
    } else if (page.length > 0) {
      const lastKey = page[page.length - 1].key
      const atLast = page.filter(e => e.key === lastKey).length
      const skip = lastKey === cursor.afterKey ? cursor.skipAtKey + atLast : atLast
      next = { query: q, afterKey: lastKey, skipAtKey: skip }
    }
    const value: GraphRecord[] = []
    // Undated records come once per log type, on the first page served for it.
    if (
      behaviour.undatedRecords &&
      dataset.store(q.logType).timeField &&
      !undatedServed.has(q.logType)
    ) {
      undatedServed.add(q.logType)
      value.push(...(behaviour.undatedRecords as GraphRecord[]))
    }
    for (const e of page) {
      value.push(planted(e.record))
      if (f?.duplicateRate && dice.next() < f.duplicateRate) {
        value.push(e.record)
        countFault('duplicate')
      }
    }
    // Re-publish the page's last record at the top of the next page.
    if (
      !shuffled &&
      more &&
      f?.duplicateRate &&
      next.skipAtKey > 0 &&
      dice.next() < f.duplicateRate
    ) {
      next = { ...next, skipAtKey: next.skipAtKey - 1 }
      countFault('duplicate')
    }
    const version = q.path.split('/')[1]
    const body: Record<string, unknown> = {
      '@odata.context': `${baseUrl}/${version}/$metadata#${q.path.split('/').slice(2).join('/')}`,
      value
    }
    if (more) body['@odata.nextLink'] = nextLink(q, issueToken(next))
    const text = JSON.stringify(body)
    // The latency model is the time to the answer: finding and serialising the page
    // count inside it. Slept on top, they added 20-40 ms to every full page of the
    // bench (CPU the simulator shares with the exporter on a 2-core machine).
    await sleep(Math.max(0, pageLatency(q, value.length) - (Date.now() - entry.at)))
    counters.pagesServed++
    counters.recordsServed += value.length
    entry.records = value.length
    sendJsonText(res, 200, text, {
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
      entry.endedAt = Date.now()
    })
    const fail = (e: GraphError): void => {
      const plant = behaviour.plant?.errorText ?? ''
      sendJson(
        res,
        e.status,
        {
          error: {
            code: e.status === 429 || e.status >= 500 ? `${e.code}${plant}` : e.code,
            message: `${e.message}${plant}`,
            innerError: { date: new Date().toISOString(), 'request-id': randomUUID() }
          }
        },
        e.headers
      )
    }
    try {
      const route = ROUTES[url.pathname]
      // Graph answers a path it (or this cloud) does not have with 400, not 404.
      if (!route) throw segmentNotFound(url.pathname)
      if (req.method !== 'GET')
        throw new GraphError(405, 'Request_BadRequest', 'Method not allowed.')
      const location = redirectFor(url, url.searchParams.has('$skiptoken'))
      if (location !== undefined) {
        res.writeHead(behaviour.redirect?.status ?? 302, {
          Location: location,
          'Content-Type': 'text/plain'
        })
        res.end(`Moved to ${location}`)
        return
      }
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
          const status = bad ? (behaviour.faults?.invalidSkipTokenStatus ?? 400) : 400
          throw new GraphError(
            status,
            status >= 500 ? 'UnknownError' : 'BadRequest',
            'Invalid Skip Token'
          )
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
      const api = 'signIns' in route ? 'signIns' : q.logType
      const cloud = behaviour.cloud ?? 'public'
      if (
        behaviour.notFound?.includes(q.logType) ||
        !(CLOUD_AVAILABILITY[api] ?? ['public']).includes(cloud)
      ) {
        throw segmentNotFound(url.pathname)
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

      if (skipToken === null) {
        const store = dataset.store(q.logType)
        const edgeMs = store.timeField ? retentionEdgeMs(behaviour, now()) : undefined
        if (edgeMs !== undefined && store.timeField) {
          const edgeKey = store.keyOfMs(edgeMs)
          // No lower bound: everything Graph still holds. An older lower bound: Graph's error.
          if (q.lowerKey === -Infinity) q.loKey = Math.max(q.loKey, edgeKey)
          else if (q.lowerKey < edgeKey) {
            const custom = behaviour.retention ? behaviour.retention.message : undefined
            throw custom
              ? new GraphError(400, 'UnknownError', custom)
              : retentionError(store.timeField, edgeMs)
          }
        }
        const unordered = !q.ordered || (behaviour.ignoreOrderBy === true && !!q.orderBy)
        if (unordered) cursor = shuffle(q)
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

  const elsewhere = await startElsewhere(opts.tls, () => {
    const w = dataset.window
    return new Date((w.start.getTime() + w.end.getTime()) / 2).toISOString()
  })
  const server = await listen(handle, opts.tls)
  baseUrl = server.url
  return {
    url: server.url,
    requests,
    counters,
    behaviour,
    elsewhere,
    configure(patch) {
      Object.assign(behaviour, patch)
      if (patch.faultSeed !== undefined) dice.reseed(patch.faultSeed)
      if (patch.latencySeed !== undefined) tailDice.reseed(patch.latencySeed)
    },
    addRecords(logType, records) {
      dataset.store(logType).add(records)
    },
    close: async () => {
      await Promise.all([server.close(), elsewhere.close()])
    }
  }
}
