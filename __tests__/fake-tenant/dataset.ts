/**
 * A seeded, lazily materialised log dataset. Per log type only a sorted array of
 * timestamps is held; a record is rebuilt on demand from (seed, log type, position),
 * so a million records cost a few megabytes and a page costs only what it serves.
 */
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { LOG_TYPES, type LogTypeName } from '../../src/settings.js'
import { type Directory, makeDirectory } from './directory.js'
import { guid, hashString, mix, mulberry32 } from './random.js'
import {
  directoryAudit,
  EVENT_TYPE_OF,
  type GraphRecord,
  provisioning,
  servicePrincipalActivity,
  signIn
} from './record-shapes.js'

export type { GraphRecord } from './record-shapes.js'

type Instant = Date | string | number

export interface Window {
  start: Date
  end: Date
}

export interface DatasetOptions {
  seed?: number
  /** Span the records fall in; default the 48 h before `now`. */
  window?: { start: Instant; end: Instant }
  now?: Instant
  /** Records per log type (a number for all, or per name). Default 300. */
  count?: number | Partial<Record<LogTypeName, number>>
  /** Put `fraction` of each log type's records into the hour starting at `hourStart`. */
  skew?: { fraction: number; hourStart: Instant }
  /** Groups of records sharing one whole second; default 3 bursts per log type. */
  sameSecondBursts?: { bursts: number; size?: number } | false
  /** Share of records with 7-digit fractional seconds (default 0.1). */
  fractionalFraction?: number
  /** Share of users with hostile names (default 0.1; 0 disables hostile strings). */
  hostileFraction?: number
}

const TICKS_PER_SECOND = 1e7
const TICKS_PER_MS = 1e4

/** One log type's records, newest first. Positions >= baseCount are late arrivals. */
export class LogStore {
  readonly timeField: 'createdDateTime' | 'activityDateTime' | undefined
  /** Times of the generated records in 100 ns ticks since originSec, descending. */
  private readonly keys: Float64Array
  /** Late-arriving records, kept sorted by key descending; replaced (not mutated) on add. */
  private extras: { key: number; record: GraphRecord }[] = []

  constructor(
    readonly logType: LogTypeName,
    private readonly originSec: number,
    keys: Float64Array,
    private readonly build: (index: number, timestamp: string) => GraphRecord
  ) {
    this.keys = keys
    this.timeField = LOG_TYPE_SPECS[logType].timeField
  }

  get size(): number {
    return this.keys.length + this.extras.length
  }

  /** Ticks for an epoch-ms instant, comparable with record keys. */
  keyOfMs(ms: number): number {
    return (ms - this.originSec * 1000) * TICKS_PER_MS
  }

  timestampOfKey(key: number): string {
    const sec = this.originSec + Math.floor(key / TICKS_PER_SECOND)
    const ticks = key - Math.floor(key / TICKS_PER_SECOND) * TICKS_PER_SECOND
    const base = new Date(sec * 1000).toISOString().slice(0, 19)
    return ticks === 0 ? `${base}Z` : `${base}.${String(ticks).padStart(7, '0')}Z`
  }

  /**
   * Records with key in [loKey, hiKey] (inclusive bounds; callers adjust for strict
   * operators), newest first, generated and late records merged. The late-record list is
   * snapshotted when iteration starts, like a server-side query snapshot.
   */
  *scan(loKey = -Infinity, hiKey = Infinity): Generator<GraphRecord> {
    for (const e of this.entries(loKey, hiKey)) yield e.record
  }

  /** As scan(), with each record's key (the order is deterministic, so it can be resumed). */
  *entries(loKey = -Infinity, hiKey = Infinity): Generator<{ key: number; record: GraphRecord }> {
    const extras = this.extras
    // First generated position with key <= hiKey (keys descend).
    let i = this.firstAtOrBelow(hiKey)
    let j = 0
    while (j < extras.length && extras[j].key > hiKey) j++
    for (;;) {
      const gen = i < this.keys.length && this.keys[i] >= loKey ? this.keys[i] : undefined
      const ext = j < extras.length && extras[j].key >= loKey ? extras[j] : undefined
      if (gen === undefined && ext === undefined) return
      // On equal keys generated records come first: a stable tie order.
      if (gen !== undefined && (ext === undefined || gen >= ext.key)) {
        yield { key: gen, record: this.build(i, this.timestampOfKey(gen)) }
        i++
      } else if (ext !== undefined) {
        yield ext
        j++
      }
    }
  }

  /** Key of an instant given as whole-second epoch ms plus 100 ns ticks within that second. */
  keyOfInstant(wholeSecondMs: number, ticks: number): number {
    return (wholeSecondMs / 1000 - this.originSec) * TICKS_PER_SECOND + ticks
  }

  add(records: GraphRecord[]): void {
    const added = records.map(record => {
      const at = parseInstant(recordTimestamp(this.logType, record))
      if (!at) throw new Error(`record ${record.id} has an unparseable time`)
      return { key: this.keyOfInstant(at.wholeSecondMs, at.ticks), record }
    })
    this.extras = [...this.extras, ...added].sort((a, b) => b.key - a.key)
  }

  private firstAtOrBelow(key: number): number {
    let lo = 0
    let hi = this.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.keys[mid] > key) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

export interface Dataset {
  seed: number
  window: Window
  directory: Directory
  /** The records of one log type (built on first use). */
  store(logType: LogTypeName): LogStore
}

function toDate(v: Instant): Date {
  const d = v instanceof Date ? v : new Date(v)
  if (Number.isNaN(d.getTime())) throw new Error(`invalid instant ${String(v)}`)
  return d
}

function countFor(opts: DatasetOptions, logType: LogTypeName, fallback: number): number {
  if (typeof opts.count === 'number') return opts.count
  return opts.count?.[logType] ?? fallback
}

/** Record times in ticks relative to the window start, sorted newest first. */
function makeKeys(opts: DatasetOptions, window: Window, n: number, salt: number): Float64Array {
  const rng = mulberry32(mix(opts.seed ?? 1, salt, 0x71e5))
  const startMs = Math.floor(window.start.getTime() / 1000) * 1000
  const spanSec = Math.max(1, Math.floor((window.end.getTime() - startMs) / 1000))
  const keys = new Float64Array(n)
  const bursts =
    opts.sameSecondBursts === false ? undefined : (opts.sameSecondBursts ?? { bursts: 3 })
  const burstSize = bursts?.size ?? Math.min(1500, Math.max(5, Math.floor(n * 0.02)))
  const fractional = opts.fractionalFraction ?? 0.1
  const skew = opts.skew
  const skewStart = skew ? Math.floor((toDate(skew.hourStart).getTime() - startMs) / 1000) : 0
  let k = 0
  for (let b = 0; bursts && b < bursts.bursts; b++) {
    const sec = Math.floor(rng() * spanSec)
    for (let m = 0; m < burstSize && k < n; m++) keys[k++] = sec * TICKS_PER_SECOND
  }
  while (k < n) {
    const sec =
      skew && rng() < skew.fraction
        ? skewStart + Math.floor(rng() * 3600)
        : Math.floor(rng() * spanSec)
    const ticks = rng() < fractional ? 1 + Math.floor(rng() * (TICKS_PER_SECOND - 1)) : 0
    keys[k++] = sec * TICKS_PER_SECOND + ticks
  }
  keys.sort()
  keys.reverse()
  return keys
}

export function generateDataset(opts: DatasetOptions = {}): Dataset {
  const seed = opts.seed ?? 1
  const now = toDate(opts.now ?? Date.now())
  const window: Window = opts.window
    ? { start: toDate(opts.window.start), end: toDate(opts.window.end) }
    : { start: new Date(now.getTime() - 48 * 3600_000), end: now }
  const directory = makeDirectory(seed, opts.hostileFraction ?? 0.1)
  const originSec = Math.floor(window.start.getTime() / 1000)
  const stores = new Map<LogTypeName, LogStore>()

  function create(logType: LogTypeName): LogStore {
    const salt = hashString(logType)
    const rngFor = (i: number) => mulberry32(mix(seed, salt, i))
    if (logType === 'service-principal-activity') {
      // One row per service principal; its "time" is the last sign-in.
      const principals = [...directory.apps, ...directory.managedIdentities]
      const n = countFor(opts, logType, principals.length)
      const keys = makeKeys({ ...opts, sameSecondBursts: false }, window, n, salt)
      return new LogStore(logType, originSec, keys, (i, ts) => {
        const rng = rngFor(i)
        return servicePrincipalActivity(rng, principals[i] ?? { appId: guid(rng) }, ts)
      })
    }
    const keys = makeKeys(opts, window, countFor(opts, logType, 300), salt)
    const eventType = EVENT_TYPE_OF[logType]
    const build = eventType
      ? (i: number, ts: string) => signIn(rngFor(i), directory, eventType, ts)
      : logType === 'audit-logs'
        ? (i: number, ts: string) => directoryAudit(rngFor(i), directory, ts)
        : (i: number, ts: string) => provisioning(rngFor(i), directory, ts)
    return new LogStore(logType, originSec, keys, build)
  }

  return {
    seed,
    window,
    directory,
    store(logType) {
      let s = stores.get(logType)
      if (!s) {
        if (!LOG_TYPES.includes(logType)) throw new Error(`unknown log type ${logType}`)
        s = create(logType)
        stores.set(logType, s)
      }
      return s
    }
  }
}

/**
 * Parses an ISO-8601 instant keeping all 7 fractional digits Graph may send (Date.parse
 * keeps only 3). Returns undefined when it is not a full date-time with a zone.
 */
export function parseInstant(text: string): { wholeSecondMs: number; ticks: number } | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/.exec(
    text
  )
  if (!m) return undefined
  const wholeSecondMs = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(wholeSecondMs)) return undefined
  return { wholeSecondMs, ticks: Number((m[2] ?? '').padEnd(7, '0')) }
}

/** The raw timestamp string a record is ordered and filtered by. */
export function recordTimestamp(logType: LogTypeName, record: Record<string, unknown>): string {
  const field = LOG_TYPE_SPECS[logType].timeField
  const value = field
    ? record[field]
    : (record.lastSignInActivity as { lastSignInDateTime?: unknown } | undefined)
        ?.lastSignInDateTime
  if (typeof value !== 'string') throw new Error(`record ${String(record.id)} has no time`)
  return value
}

/** A record's time in epoch ms (sub-millisecond digits truncated, as Date.parse does). */
export function recordTime(logType: LogTypeName, record: Record<string, unknown>): number {
  return Date.parse(recordTimestamp(logType, record))
}

/**
 * Ids an exact export of [window.start, window.end) must contain (every id once).
 * Log types that are not time-windowed ignore the window.
 */
export function expectedIds(
  dataset: Dataset,
  logType: LogTypeName,
  window: { start: Instant; end: Instant },
  predicate?: (record: GraphRecord) => boolean
): string[] {
  const store = dataset.store(logType)
  const ids = new Set<string>()
  if (!store.timeField) {
    for (const r of store.scan()) if (!predicate || predicate(r)) ids.add(r.id)
    return [...ids]
  }
  const start = toDate(window.start).getTime()
  const end = toDate(window.end).getTime()
  // Scan a millisecond wider each side, then apply the exact ms rule from recordTime.
  for (const r of store.scan(store.keyOfMs(start - 1), store.keyOfMs(end + 1))) {
    const t = recordTime(logType, r)
    if (t >= start && t < end && (!predicate || predicate(r))) ids.add(r.id)
  }
  return [...ids]
}

/** Every record of a log type, newest first (materialises them all: small datasets only). */
export function allRecords(dataset: Dataset, logType: LogTypeName): GraphRecord[] {
  return [...dataset.store(logType).scan()]
}
