import type { PacerStats } from '../graph/pacer.js'
import type { Clock } from '../graph/clock.js'
import type { GraphTransport } from '../graph/graph-transport.js'
import type { FetchCounters } from '../graph/fetch-context.js'
import type { RetryPolicy } from '../graph/retry-policy.js'
import type { Logger } from '../logger.js'
import type { GraphRecord } from '../records/graph-record.js'
import type { Range } from '../ranges.js'
import type { LogTypeName, Settings } from '../settings.js'
import type { LogTypePlan } from '../state/continuity.js'
import type { ChainDrops } from './chain.js'

export interface ExportBoundary {
  transport: GraphTransport
  /** Opens the files a log type's records go to (output/record-writer.ts `recordSinks`). */
  openSink: OpenRecordSink
  clock: Clock
  logger: Logger
  /** Sees every record written, in file order (for the summary's findings). */
  observe?: (logType: LogTypeName, record: GraphRecord) => void
  /**
   * The part of a record `observe` reads: observing it must give the same
   * findings. Lets export render records ahead of the merge (render-ahead.ts);
   * without it, records are observed whole and not rendered ahead.
   */
  observedPart?: (logType: LogTypeName, record: GraphRecord) => GraphRecord
  random?: () => number
  /**
   * Aborts when the run must stop (cancel, time budget): no new request starts,
   * every log type writes what its complete time ranges hold and says which
   * ranges those are.
   */
  stop?: AbortSignal
  /** Where chains' temp files go (RUNNER_TEMP on a runner; never the system temp). Default: output-dir. */
  tempDir?: string
}

/** The settings the export reads; the rest of Settings (credentials, upload, state) never reaches it. */
export type ExportSettings = Pick<
  Settings,
  | 'logTypes'
  | 'cloud'
  | 'graphEndpoint'
  | 'window'
  | 'filter'
  | 'pageSize'
  | 'rateLimit'
  | 'maxConcurrency'
  | 'outputDir'
>

export interface ExportTuning {
  retryPolicy: RetryPolicy
  /** Throttle window; Graph's is 10 s. Benchmarks shrink it with the simulated tenant's. */
  windowMs: number
  /** Kept clear beyond the window where it binds (see Pacer's marginMs). */
  windowMarginMs: number
  /** Smallest time range worth a chain of its own. */
  minSplitMs: number
  /** How often to log each running log type's progress. */
  progressIntervalMs: number
}

/** One file the export finished: declared with the sink that writes it. */
import type { OpenRecordSink, WrittenFile } from './record-sink.js'
export type { WrittenFile }

/** 'stopped': the run was cancelled or ran out of time before this log type was complete. */
export type LogTypeStatus = 'ok' | 'failed' | 'stopped'

export interface LogTypeResult {
  logType: LogTypeName
  title: string
  status: LogTypeStatus
  /** Why it failed, phrased as a fix. */
  error?: string
  request: { url: string; filter: string }
  /** The window this log type was read over (incremental runs choose it per log type). */
  window?: { start: Date; end: Date }
  /** Time ranges this run had to read (the window, plus what earlier runs left missing). */
  targetRanges?: Range[]
  /** The ranges whose every record is in the files; the files hold nothing else. */
  completeRanges?: Range[]
  /** targetRanges minus completeRanges: what a later run must still read. */
  missingRanges?: Range[]
  /** The files could not be written (disk full, permissions): nothing of this run may count as delivered. */
  writeFailed?: boolean
  rows: number
  duplicatesDropped: number
  drops: ChainDrops
  counters: FetchCounters
  chains: number
  chainRestarts: number
  /** Tail tolerance at work (absent when nothing was slow). */
  tail?: TailCounters
  files: WrittenFile[]
  truncatedCells: number
  unknownFields: string[]
  durationMs: number
  /** Incremental runs: how this run joined the previous one. */
  continuity?: {
    status: LogTypePlan['continuity']
    previousEnd?: Date
    /** Records in the overlap the previous run had already exported (not repeated). */
    previouslyExported: number
    /** Records older than the previous run's end that it had not seen: late arrivals. */
    lateRecords: number
    lostRange?: LogTypePlan['lostRange']
  }
  /** Ids in the trailing overlap, for the next incremental run (not written to the manifest). */
  rememberedIds: string[]
  /** Records that arrived out of the time order a chain relied on (see Chain.noteOrder). */
  orderViolations?: number
  /**
   * The part of the window Graph no longer holds: [window start, Graph's edge),
   * as Graph's retention-edge answer named it (see graph/retention-edge.ts).
   */
  retentionGap?: { start: Date; end: Date; graphMinimum: Date }
}

/** What slow pages cost: hand-offs, hedged pages and the speculative requests they spent. */
export interface TailCounters {
  /** Overdue or timed-out pages whose older range went to a new chain. */
  handOffs: number
  /**
   * Overdue pages raced by a hedged request that was sent (a hedge still queued
   * when the page answered is not counted).
   */
  hedgedPages: number
  /** Requests whose answer was discarded because the other side of a race won. */
  speculativeRequests: number
}

export interface ExportResult {
  logTypes: LogTypeResult[]
  pacer: PacerStats
  durationMs: number
}
