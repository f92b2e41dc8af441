import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { errorMessage, UserError } from '../errors.js'
import { safeLogText } from '../log-text.js'
import type { Clock } from '../graph/clock.js'
import { GraphRequestError } from '../graph/graph-errors.js'
import { RETENTION_NOTE } from '../graph/retention-edge.js'
import type { GraphTransport } from '../graph/graph-transport.js'
import { IdSet } from '../graph/id-set.js'
import { Pacer, type PacerStats } from '../graph/pacer.js'
import {
  DEFAULT_RETRY_POLICY,
  newCounters,
  type FetchCounters,
  type RetryPolicy
} from '../graph/page-fetcher.js'
import { buildFilter } from '../graph/query.js'
import { LOG_TYPE_SPECS, type LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import { columnsFor, type GraphRecord } from '../output/columns.js'
import {
  openRecordWriter,
  type RecordWriter,
  type RecordWriterOptions,
  type WrittenFile
} from '../output/record-writer.js'
import { describeWriteError, isWriteError } from '../output/write-errors.js'
import type { LogTypeName, Settings, TimeWindow } from '../settings.js'
import type { LogTypePlan } from '../state/continuity.js'
import { Chain, UNTIMED_SAMPLE, type ChainDrops } from './chain.js'
import { mergeChainFiles, type MergeOptions, type MergeResult } from './merge.js'
import { MergeAhead, sumCounts } from './merge-ahead.js'
import { normalise, subtract, type Range } from './ranges.js'
import { runScheduler, type Job } from './scheduler.js'

/** Graph's documented throttle window for these reports. */
export const THROTTLE_WINDOW_MS = 10_000

export interface ExportBoundary {
  transport: GraphTransport
  clock: Clock
  logger: Logger
  /** Sees every record written, in file order (for the summary's findings). */
  observe?: (logType: LogTypeName, record: GraphRecord) => void
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

export interface ExportTuning {
  retryPolicy: RetryPolicy
  /** Throttle window; Graph's is 10 s. Benchmarks shrink it with the simulated tenant's. */
  windowMs: number
  /** Smallest time range worth a chain of its own. */
  minSplitMs: number
  /** How often to log each running log type's progress. */
  progressIntervalMs: number
}

export const DEFAULT_TUNING: ExportTuning = {
  retryPolicy: DEFAULT_RETRY_POLICY,
  windowMs: THROTTLE_WINDOW_MS,
  minSplitMs: 60_000,
  progressIntervalMs: 30_000
}

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
  /** Overdue pages raced by a hedged request. */
  hedgedPages: number
  /** Requests whose answer was discarded because the other side of a race won. */
  speculativeRequests: number
}

export interface ExportResult {
  logTypes: LogTypeResult[]
  pacer: PacerStats
  durationMs: number
}

/**
 * Export every requested log type over the window: one request budget for the
 * run (the pacer), chains scheduled across log types, each log type merged to
 * its files as soon as its chains are done. A log type that fails keeps its
 * partial files under an `.incomplete` name and never stops the others.
 */
export async function runExport(
  settings: Settings,
  boundary: ExportBoundary,
  tuning: ExportTuning = DEFAULT_TUNING,
  plans: Partial<Record<LogTypeName, LogTypePlan>> = {}
): Promise<ExportResult> {
  const started = boundary.clock.now()
  const pacer = new Pacer({
    rate: settings.rateLimit,
    windowMs: tuning.windowMs,
    maxConcurrency: settings.maxConcurrency,
    clock: boundary.clock
  })
  await mkdir(settings.outputDir, { recursive: true })
  const tempRoot = boundary.tempDir ?? settings.outputDir
  await mkdir(tempRoot, { recursive: true })
  const tmp = await mkdtemp(join(tempRoot, 'entra-log-export-tmp-'))
  const results = new Map<LogTypeName, LogTypeResult>()
  const jobs: ExportJob[] = []
  // A stop aborts every log type's chains; their in-flight requests end at once.
  const onStop = (): void => {
    for (const job of jobs) job.abort.abort(boundary.stop?.reason)
  }
  boundary.stop?.addEventListener('abort', onStop, { once: true })
  try {
    // Each log type starts as one chain: every slice costs a short last page, and
    // before the first answer nothing says how many the budget needs. The scheduler
    // splits by time as soon as a start slot would go unused, then by density.
    const slicesPerJob = 1
    for (const name of settings.logTypes) {
      const spec = LOG_TYPE_SPECS[name]
      if (!spec.clouds.includes(settings.cloud)) {
        results.set(name, unavailable(spec, settings))
        continue
      }
      jobs.push(
        await createJob(spec, settings, boundary, tuning, pacer, tmp, plans[name], slicesPerJob)
      )
    }
    if (boundary.stop?.aborted) onStop()
    // Big tenants take hours: say how far each log type has got, now and then.
    const progress = setInterval(
      () => reportProgress(jobs, results, boundary),
      tuning.progressIntervalMs
    )
    progress.unref()
    try {
      await runScheduler(jobs, {
        budget: pacer,
        clock: boundary.clock,
        pageSize: settings.pageSize,
        // One chain ready to go whenever a request slot frees.
        maxChains: settings.maxConcurrency + 1,
        minSplitMs: tuning.minSplitMs,
        // A failure while writing one log type is that log type's failure, never the run's.
        onJobDone: job =>
          finishJob(job as ExportJob, settings, boundary, results).catch((error: unknown) => {
            const failed = failedResult(job as ExportJob, settings, boundary, error)
            results.set(failed.logType, failed)
            boundary.logger.warning(`${failed.title}: ${failed.error}`)
          })
      })
    } finally {
      clearInterval(progress)
    }
  } finally {
    boundary.stop?.removeEventListener('abort', onStop)
    await rm(tmp, { recursive: true, force: true })
  }
  return {
    logTypes: settings.logTypes.map(name => results.get(name)!),
    pacer: pacer.stats(),
    durationMs: boundary.clock.now() - started
  }
}

interface ExportJob extends Job {
  spec: LogTypeSpec
  /** The hull of what this log type reads (records outside it are never kept). */
  range?: { startMs: number; endMs: number }
  /** What it reads: its window, plus ranges an earlier run left missing. */
  targets?: Range[]
  plan?: LogTypePlan
  chains: Chain[]
  counters: FetchCounters
  startedAt: number
  /** The latest retention edge Graph named for this log type. */
  retentionEdgeMs?: number
  /** Chain files merged into the writer while other chains read (see merge-ahead.ts). */
  ahead?: MergeAhead<RecordWriter>
  /** The id set merge-ahead deduplicates with; the final pass goes on with it. */
  aheadIds?: IdSet
}

async function createJob(
  spec: LogTypeSpec,
  settings: Settings,
  boundary: ExportBoundary,
  tuning: ExportTuning,
  pacer: Pacer,
  tmp: string,
  plan: LogTypePlan | undefined,
  slicesPerJob: number
): Promise<ExportJob> {
  const dir = join(tmp, spec.name)
  await mkdir(dir)
  const counters = newCounters()
  const own = spec.timeField ? (plan?.window ?? settings.window) : undefined
  // Ranges an earlier (stopped) run could not read are read again, each as a slice of its own.
  const pending = own ? subtract(plan?.pending ?? [], [rangeOf(own)]) : []
  const targets = own ? normalise([rangeOf(own), ...pending]) : undefined
  const window: TimeWindow | undefined =
    own && targets
      ? {
          start: new Date(Math.min(...targets.map(r => r.startMs))),
          end: new Date(Math.max(...targets.map(r => r.endMs)))
        }
      : undefined
  const job: ExportJob = {
    name: spec.name,
    spec,
    plan,
    chains: [],
    counters,
    startedAt: boundary.clock.now(),
    abort: new AbortController(),
    range: window ? { startMs: window.start.getTime(), endMs: window.end.getTime() } : undefined,
    targets,
    ranges: own
      ? [
          ...initialSlices(own, slicesPerJob, tuning.minSplitMs),
          ...pending.sort((a, b) => b.startMs - a.startMs)
        ]
      : undefined,
    createChain(range, onProgress, onTimeout) {
      const chain = new Chain(
        {
          spec,
          graphEndpoint: settings.graphEndpoint,
          extraFilter: settings.filter,
          pageSize: settings.pageSize,
          window,
          logger: boundary.logger,
          onProgress,
          onTimeout,
          averageDensity: () => {
            let kept = 0
            let covered = 0
            for (const chain of job.chains) {
              kept += chain.kept
              covered += chain.coveredMs()
            }
            return covered > 0 ? kept / covered : 0
          },
          onRetentionEdge: edgeMs => {
            job.retentionEdgeMs = Math.max(job.retentionEdgeMs ?? edgeMs, edgeMs)
          },
          fetch: {
            transport: boundary.transport,
            pacer,
            clock: boundary.clock,
            policy: tuning.retryPolicy,
            logger: boundary.logger,
            spec,
            cloud: settings.cloud,
            counters,
            random: boundary.random
          }
        },
        range?.startMs ?? 0,
        range?.endMs ?? 0,
        join(dir, `chain-${job.chains.length + 1}.jsonl`)
      )
      job.chains.push(chain)
      return chain
    }
  }
  if (spec.timeField) {
    // The writer opened with the complete name: a log type that ends incomplete discards it.
    const ids = new IdSet()
    job.ahead = new MergeAhead(
      () => job.chains,
      () => openRecordWriter(writerOptions(spec, settings, spec.name)),
      (paths, writer) =>
        mergeChainFiles(paths, ids, writer, mergeOptions(job, boundary, undefined)),
      () => job.error === undefined && !job.abort.signal.aborted
    )
    job.onChainDone = () => job.ahead?.advance()
    job.aheadIds = ids
  }
  return job
}

async function finishJob(
  job: ExportJob,
  settings: Settings,
  boundary: ExportBoundary,
  results: Map<LogTypeName, LogTypeResult>
): Promise<void> {
  const { spec } = job
  const stopped = job.error !== undefined && boundary.stop?.aborted === true && !isOwnFailure(job)
  const failed = job.error !== undefined && !stopped
  const complete = job.error === undefined
  // What is safe to deliver: every record of these ranges, and nothing outside them.
  const completeRanges = job.targets
    ? complete
      ? job.targets
      : normalise(job.chains.flatMap(chain => chain.completeRange() ?? []))
    : undefined
  // A partial export must never pass for a complete one.
  const baseName = complete ? spec.name : `${spec.name}.incomplete`
  const { merged, written } = await writeMerged(
    job,
    () => openRecordWriter(writerOptions(spec, settings, baseName)),
    boundary,
    completeRanges,
    complete
  )
  const drops: ChainDrops = { outOfWindow: 0, refetched: 0, untimed: 0 }
  for (const chain of job.chains) {
    drops.outOfWindow += chain.drops.outOfWindow
    drops.refetched += chain.drops.refetched
    drops.untimed += chain.drops.untimed
  }
  const first = job.chains[0]
  const range = job.range
  const retentionGap = retentionGapOf(job)
  const { plan } = job
  const status: LogTypeStatus = complete ? 'ok' : failed ? 'failed' : 'stopped'
  const missingRanges = job.targets && completeRanges && subtract(job.targets, completeRanges)
  results.set(spec.name, {
    logType: spec.name,
    title: spec.title,
    status,
    error: failed
      ? describeFailure(job.error)
      : stopped
        ? `stopped (${stopReason(boundary.stop?.reason)}) before it was complete`
        : undefined,
    request: {
      url: first?.firstUrl ?? '',
      filter: buildFilter(spec, range, settings.filter)
    },
    window: range ? { start: new Date(range.startMs), end: new Date(range.endMs) } : undefined,
    targetRanges: job.targets,
    completeRanges,
    missingRanges,
    rows: merged.rows,
    duplicatesDropped: merged.duplicates,
    drops,
    counters: job.counters,
    chains: job.chains.length,
    chainRestarts: job.chains.reduce((sum, chain) => sum + chain.restarts, 0),
    tail:
      job.handOffs || job.hedges
        ? {
            handOffs: job.handOffs ?? 0,
            hedgedPages: job.hedges ?? 0,
            speculativeRequests: job.chains.reduce((sum, c) => sum + c.discardedRequests, 0)
          }
        : undefined,
    files: written.files,
    truncatedCells: written.truncatedCells,
    unknownFields: written.unknownFields,
    durationMs: boundary.clock.now() - job.startedAt,
    continuity: plan && {
      status: plan.continuity,
      previousEnd: plan.previousEnd,
      previouslyExported: merged.previouslyExported,
      lateRecords: merged.lateRecords,
      lostRange: plan.lostRange
    },
    rememberedIds: merged.rememberedIds,
    orderViolations: job.chains.reduce((sum, chain) => sum + chain.orderViolations, 0),
    retentionGap
  })
  if (retentionGap) {
    boundary.logger.warning(
      describeRetentionGap(spec, retentionGap, range ? new Date(range.endMs) : undefined)
    )
  }
  if (drops.untimed > 0) boundary.logger.warning(untimedWarning(spec, drops.untimed, job.chains))
  if (failed) boundary.logger.warning(`${spec.title}: ${describeFailure(job.error)}`)
  else if (stopped)
    boundary.logger.info(`${spec.title}: stopped; ${merged.rows} records of complete time ranges.`)
  else boundary.logger.info(`${spec.title}: ${merged.rows} records.`)
}

function writerOptions(
  spec: LogTypeSpec,
  settings: Settings,
  baseName: string
): RecordWriterOptions {
  return {
    dir: settings.outputDir,
    baseName,
    logType: spec.name,
    columns: columnsFor(spec.name, settings.columns),
    csv: settings.formats.csv,
    jsonl: settings.formats.jsonl,
    escapeFormulas: settings.escapeFormulas,
    maxRowsPerFile: settings.maxRowsPerFile,
    bom: settings.csvBom
  }
}

function mergeOptions(
  job: ExportJob,
  boundary: ExportBoundary,
  onlyRanges: Range[] | undefined,
  observe = true
): MergeOptions {
  const { spec, plan } = job
  return {
    timeField: spec.timeField,
    alreadyExported: plan?.alreadyExported,
    previousEndMs: plan?.previousEnd?.getTime(),
    rememberFromMs: plan?.rememberFrom,
    onlyRanges,
    lateExcept: plan?.pending,
    observe: observe ? record => boundary.observe?.(spec.name, record) : () => undefined
  }
}

/**
 * Merge the chains' temp files into the writer; on any failure the writer's files end up as `.incomplete`.
 * A complete log type goes on from what merge-ahead wrote while it was read; otherwise every file is
 * merged here, and records merge-ahead observed already are not observed again.
 */
async function writeMerged(
  job: ExportJob,
  open: () => Promise<RecordWriter>,
  boundary: ExportBoundary,
  completeRanges: Range[] | undefined,
  complete: boolean
): Promise<{
  merged: Awaited<ReturnType<typeof mergeChainFiles>>
  written: Awaited<ReturnType<RecordWriter['close']>>
}> {
  // Newest range first: the files read newest to oldest, like Graph itself.
  const ordered = [...job.chains].sort((a, b) => b.startMs - a.startMs)
  const ahead = complete ? await job.ahead?.take() : undefined
  const observed = ahead ? [] : ((await job.ahead?.discard()) ?? [])
  const writer = ahead?.writer ?? (await open())
  try {
    let merged: MergeResult = ahead?.counts ?? emptyMerge()
    const ids = ahead ? (job.aheadIds as IdSet) : new IdSet()
    const onlyRanges = complete ? undefined : completeRanges
    for (const chain of ordered.filter(c => !ahead?.chains.includes(c))) {
      const options = mergeOptions(job, boundary, onlyRanges, !observed.includes(chain))
      merged = sumCounts(merged, await mergeChainFiles([chain.tmpPath], ids, writer, options))
    }
    return { merged, written: await writer.close() }
  } catch (error) {
    // Every writer is closed on error, its partial files renamed `.incomplete`.
    await writer.abort().catch(() => undefined)
    throw error
  }
}

function emptyMerge(): MergeResult {
  return { rows: 0, duplicates: 0, previouslyExported: 0, lateRecords: 0, rememberedIds: [] }
}

/** The job ended by a failure of its own, not by the run's stop. */
function isOwnFailure(job: ExportJob): boolean {
  const error = job.error
  if (error instanceof GraphRequestError) return true
  return !(
    error === job.abort.signal.reason ||
    (error instanceof Error && error.name === 'AbortError')
  )
}

function stopReason(reason: unknown): string {
  return reason === 'time-budget' ? 'the time budget ran out' : 'the run was cancelled'
}

function rangeOf(window: TimeWindow): Range {
  return { startMs: window.start.getTime(), endMs: window.end.getTime() }
}

/** A log type whose files could not be finished: say why, in words, and deliver nothing of it. */
function failedResult(
  job: ExportJob,
  settings: Settings,
  boundary: ExportBoundary,
  error: unknown
): LogTypeResult {
  const base = unavailable(job.spec, settings)
  return {
    ...base,
    error: isWriteError(error)
      ? describeWriteError(error)
      : `could not write its files: ${errorMessage(error)}`,
    request: { url: job.chains[0]?.firstUrl ?? '', filter: '' },
    targetRanges: job.targets,
    completeRanges: job.targets ? [] : undefined,
    missingRanges: job.targets,
    counters: job.counters,
    chains: job.chains.length,
    durationMs: boundary.clock.now() - job.startedAt,
    writeFailed: isWriteError(error)
  }
}

/** [start, end) cut into up to `count` equal slices on whole seconds, none shorter than minMs. */
export function initialSlices(
  window: { start: Date; end: Date },
  count: number,
  minMs: number
): { startMs: number; endMs: number }[] {
  const startMs = window.start.getTime()
  const endMs = window.end.getTime()
  const n = Math.max(1, Math.min(count, Math.floor((endMs - startMs) / Math.max(1, minMs))))
  const edges = [startMs]
  for (let i = 1; i < n; i++) {
    edges.push(Math.floor((startMs + ((endMs - startMs) * i) / n) / 1000) * 1000)
  }
  edges.push(endMs)
  const slices: { startMs: number; endMs: number }[] = []
  for (let i = n - 1; i >= 0; i--) {
    if (edges[i + 1] > edges[i]) slices.push({ startMs: edges[i], endMs: edges[i + 1] })
  }
  return slices.length > 0 ? slices : [{ startMs, endMs }]
}

function reportProgress(
  jobs: ExportJob[],
  results: Map<LogTypeName, LogTypeResult>,
  boundary: ExportBoundary
): void {
  for (const job of jobs) {
    if (results.has(job.spec.name)) continue
    const kept = job.chains.reduce((sum, chain) => sum + chain.kept, 0)
    const running = job.chains.filter(chain => !chain.done).length
    const c = job.counters
    boundary.logger.info(
      `${job.spec.title}: ${kept} records so far (${c.pages} pages, ${running} of ${job.chains.length} time slices running, ` +
        `${c.retries} retries, ${c.throttled} throttled).`
    )
  }
}

/** [window start, Graph's edge) when Graph said part of the window is past retention. */
function retentionGapOf(job: ExportJob): LogTypeResult['retentionGap'] {
  if (job.retentionEdgeMs === undefined || !job.range) return undefined
  const end = Math.min(job.retentionEdgeMs, job.range.endMs)
  if (end <= job.range.startMs) return undefined
  return {
    start: new Date(job.range.startMs),
    end: new Date(end),
    graphMinimum: new Date(job.retentionEdgeMs)
  }
}

/** The warning for a retention gap: the exact lost range, and why. */
export function describeRetentionGap(
  spec: LogTypeSpec,
  gap: NonNullable<LogTypeResult['retentionGap']>,
  windowEnd?: Date
): string {
  const whole = windowEnd !== undefined && gap.end.getTime() >= windowEnd.getTime()
  return (
    `${spec.title}: records in [${gap.start.toISOString()}, ${gap.end.toISOString()}) are past ` +
    `${RETENTION_NOTE} and cannot be exported: Graph's data starts at ${gap.graphMinimum.toISOString()}. ` +
    (whole
      ? 'The whole window is past retention, so the file holds only its header row.'
      : 'This export holds everything Graph still keeps in the window.') +
    ' The manifest marks the gap (retentionGap).'
  )
}

/**
 * Records without a parseable time field cannot be placed in the window, so they
 * are kept out of the files; a warning makes sure they are never silently gone.
 */
function untimedWarning(spec: LogTypeSpec, count: number, chains: Chain[]): string {
  const ids = chains.flatMap(chain => chain.untimedIds).slice(0, UNTIMED_SAMPLE)
  return (
    `${spec.title}: ${count} record${count === 1 ? '' : 's'} had no parseable ${spec.timeField} ` +
    `and ${count === 1 ? 'was' : 'were'} left out of the files (they cannot be placed in the window). ` +
    `Ids: ${ids.map(id => safeLogText(JSON.stringify(id.slice(0, 100)))).join(', ')}${count > ids.length ? ', …' : ''}.`
  )
}

function describeFailure(error: unknown): string {
  if (error instanceof GraphRequestError || error instanceof UserError) return error.message
  if (isWriteError(error)) return describeWriteError(error)
  return errorMessage(error)
}

/** A log type this cloud does not offer: fail it clearly, without a request. */
function unavailable(spec: LogTypeSpec, settings: Settings): LogTypeResult {
  return {
    logType: spec.name,
    title: spec.title,
    status: 'failed',
    error:
      `${spec.title} is not available in the '${settings.cloud}' cloud: Microsoft's API reference ` +
      `(${spec.docs}, national cloud table) lists ${spec.version}${spec.path} for ${spec.clouds.join(', ')} only. ` +
      `Remove '${spec.name}' from log-types for this tenant.`,
    request: { url: '', filter: '' },
    rows: 0,
    duplicatesDropped: 0,
    drops: { outOfWindow: 0, refetched: 0, untimed: 0 },
    counters: newCounters(),
    chains: 0,
    chainRestarts: 0,
    files: [],
    truncatedCells: 0,
    unknownFields: [],
    durationMs: 0,
    rememberedIds: []
  }
}
