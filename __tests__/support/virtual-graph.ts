/**
 * A Graph on a virtual clock, for tests of the scheduler's decisions: pages of
 * records newest first, nextLinks as opaque skip tokens, a latency model
 * (base + per record, a seeded heavy tail, or any function of the page) slept
 * on a ManualClock, so seconds of paging and throttling run in milliseconds
 * and the same inputs give the same timeline every run. Only what the export
 * core sends is understood: the time field's documented comparisons (ge, gt,
 * le, lt), the sign-in event type and $top.
 */
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import type { LogTypeName } from '../../src/settings.js'
import type { ManualClock } from './manual-clock.js'
import { mulberry32 } from '../fake-tenant/random.js'

export const VIRTUAL_GRAPH = 'https://graph.virtual.test'

export interface PageShape {
  records: number
  /** Width of the query's time range, ms. */
  rangeMs: number
  /** 1 unless the tail made this page slow. */
  tailFactor: number
}

export interface VirtualGraphOptions {
  clock: ManualClock
  /** Record times (ms since the epoch) per log type. */
  records: Partial<Record<LogTypeName, number[]>>
  /** Latency of one page before the tail. */
  latencyMs(page: Omit<PageShape, 'tailFactor'>): number
  tail?: { share: number; factor: number }[]
  seed?: number
  /**
   * Latency of one chosen request (1-based, in arrival order), overriding the
   * model; 'timeout' fails it after `timeoutMs` as the transport's timeout would.
   */
  latencyOf?: (request: number, page: PageShape) => number | 'timeout' | undefined
  timeoutMs?: number
}

interface Cursor {
  logType: LogTypeName
  /** Indexes into the log type's records (newest first) that match the query. */
  from: number
  to: number
  top: number
  rangeMs: number
}

export interface VirtualGraph extends GraphTransport {
  /** Virtual start time and URL of every request, in order. */
  starts: number[]
  urls: string[]
  /** Requests answered with a page, and those aborted by the client before the answer. */
  pages: number
  aborted: number
  timeouts: number
  /**
   * Each request: when it started, the latency it was given, the records and nextLink
   * of its answer, and when the client aborted it.
   */
  timeline: { at: number; ms: number; records?: number; next?: string; abortedAt?: number }[]
  /** Every id, per log type, that [start, end) holds. */
  expected(logType: LogTypeName, startMs: number, endMs: number): string[]
}

export function virtualGraph(options: VirtualGraphOptions): VirtualGraph {
  const { clock } = options
  const rng = mulberry32(options.seed ?? 1)
  const sorted = new Map<LogTypeName, number[]>()
  for (const [name, times] of Object.entries(options.records) as [LogTypeName, number[]][]) {
    sorted.set(
      name,
      [...times].sort((a, b) => b - a)
    )
  }
  const idOf = (logType: LogTypeName, index: number): string => `${logType}-${index}`
  const cursors = new Map<string, Cursor>()
  let requests = 0

  const graph: VirtualGraph = {
    starts: [],
    urls: [],
    pages: 0,
    aborted: 0,
    timeouts: 0,
    timeline: [],
    expected(logType, startMs, endMs) {
      const times = sorted.get(logType) ?? []
      return times.flatMap((t, i) => (t >= startMs && t < endMs ? [idOf(logType, i)] : []))
    },
    async get(url, signal) {
      graph.starts.push(clock.now())
      graph.urls.push(url)
      const request = ++requests
      const parsed = new URL(url)
      const token = parsed.searchParams.get('$skiptoken')
      const cursor = token !== null ? cursors.get(token) : newCursor(parsed)
      if (!cursor) throw new Error(`virtual Graph: unknown request ${url}`)
      const times = sorted.get(cursor.logType) ?? []
      const end = Math.min(cursor.to, cursor.from + cursor.top)
      const spec = LOG_TYPE_SPECS[cursor.logType]
      const value = []
      for (let i = cursor.from; i < end; i++) {
        value.push({ id: idOf(cursor.logType, i), [spec.timeField as string]: iso(times[i]) })
      }
      const body: Record<string, unknown> = { value }
      if (end < cursor.to) {
        const next = String(cursors.size + 1)
        cursors.set(next, { ...cursor, from: end })
        body['@odata.nextLink'] = `${parsed.origin}${parsed.pathname}?$skiptoken=${next}`
      }
      let factor = 1
      let r = rng()
      for (const { share, factor: f } of options.tail ?? []) {
        if (r < share) {
          factor = f
          break
        }
        r -= share
      }
      const shape = { records: value.length, rangeMs: cursor.rangeMs, tailFactor: factor }
      const chosen = options.latencyOf?.(request, shape)
      const ms =
        chosen === 'timeout'
          ? (options.timeoutMs ?? 300_000)
          : (chosen ?? options.latencyMs(shape) * factor)
      const entry: VirtualGraph['timeline'][number] = {
        at: clock.now(),
        ms,
        records: value.length,
        next: body['@odata.nextLink'] as string | undefined
      }
      graph.timeline.push(entry)
      try {
        await clock.sleep(ms, signal)
      } catch (error) {
        graph.aborted++
        entry.abortedAt = clock.now()
        throw error
      }
      if (chosen === 'timeout') {
        graph.timeouts++
        // What AbortSignal.timeout() raises, as an Error of this realm (jest's vm
        // realm does not see Node's DOMException as an Error).
        throw Object.assign(new Error('The operation was aborted due to timeout'), {
          name: 'TimeoutError'
        })
      }
      graph.pages++
      const bytes = Buffer.from(JSON.stringify(body))
      return page(bytes)
    }
  }

  function newCursor(parsed: URL): Cursor {
    const filter = parsed.searchParams.get('$filter') ?? ''
    const spec = Object.values(LOG_TYPE_SPECS).find(
      s =>
        parsed.pathname === `/${s.version}${s.path}` &&
        (!s.eventType || filter.includes(`'${s.eventType}'`))
    )
    if (!spec?.timeField) throw new Error(`virtual Graph: no log type at ${parsed.pathname}`)
    // The documented operators (ge/le for sign-ins and audits, gt/lt for provisioning),
    // on 100 ns ticks like Graph's timestamps; records here sit on whole ms.
    const bound = (op: string): number | undefined => {
      const m = new RegExp(`${spec.timeField} ${op} (\\S+)`).exec(filter)
      return m ? ticks(m[1]) : undefined
    }
    const [ge, gt, le, lt] = ['ge', 'gt', 'le', 'lt'].map(bound)
    // [lo, hi) in ms: the smallest and one past the largest whole ms the bounds admit.
    const lo =
      ge !== undefined
        ? Math.ceil(ge / 10_000)
        : gt !== undefined
          ? Math.floor(gt / 10_000) + 1
          : -Infinity
    const hi =
      lt !== undefined
        ? Math.ceil(lt / 10_000)
        : le !== undefined
          ? Math.floor(le / 10_000) + 1
          : Infinity
    const times = sorted.get(spec.name) ?? []
    // Newest first: [from, to) are the indexes with lo <= t < hi.
    let from = 0
    while (from < times.length && times[from] >= hi) from++
    let to = from
    while (to < times.length && times[to] >= lo) to++
    return {
      logType: spec.name,
      from,
      to,
      top: Number(parsed.searchParams.get('$top') ?? 100),
      rangeMs: hi - lo
    }
  }

  return graph
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function page(bytes: Buffer): PageResponse {
  return {
    status: 200,
    headers: new Headers({ 'content-type': 'application/json' }),
    body: (async function* () {
      yield bytes
    })(),
    text: () => Promise.resolve(bytes.toString('utf8'))
  }
}

/** `count` record times over [startMs, endMs), `burst` of them in the hour from `burstAt`, seeded. */
export function burstyTimes(
  count: number,
  startMs: number,
  endMs: number,
  burst: { share: number; atMs: number },
  seed: number
): number[] {
  const rng = mulberry32(seed)
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    times.push(
      rng() < burst.share
        ? burst.atMs + Math.floor(rng() * 3_600_000)
        : startMs + Math.floor(rng() * (endMs - startMs))
    )
  }
  return times
}

/** The largest number of request starts in any window of `windowMs`. */
export function maxStartsInWindow(starts: number[], windowMs: number): number {
  let best = 0
  let first = 0
  for (let i = 0; i < starts.length; i++) {
    while (starts[i] - starts[first] >= windowMs) first++
    best = Math.max(best, i - first + 1)
  }
  return best
}

/** 100 ns ticks since the epoch of an ISO-8601 UTC instant with up to 7 fractional digits. */
function ticks(iso: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(iso)
  if (!m) throw new Error(`virtual Graph: not an instant: ${iso}`)
  return Date.parse(`${m[1]}Z`) * 10_000 + Number((m[2] ?? '').padEnd(7, '0'))
}
