import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { errorMessage } from '../errors.js'
import type { Clock } from '../graph/clock.js'
import { GraphRequestError } from '../graph/graph-errors.js'
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
import { openRecordWriter, type WrittenFile } from '../output/record-writer.js'
import type { LogTypeName, Settings } from '../settings.js'
import type { LogTypePlan } from '../state/continuity.js'
import { Chain, type ChainDrops } from './chain.js'
import { mergeChainFiles } from './merge.js'
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

export type LogTypeStatus = 'ok' | 'failed'

export interface LogTypeResult {
  logType: LogTypeName
  title: string
  status: LogTypeStatus
  /** Why it failed, phrased as a fix. */
  error?: string
  request: { url: string; filter: string }
  /** The window this log type was read over (incremental runs choose it per log type). */
  window?: { start: Date; end: Date }
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
  const tmp = await mkdtemp(join(tmpdir(), 'entra-log-export-'))
  const results = new Map<LogTypeName, LogTypeResult>()
  try {
    const jobs: Job[] = []
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
    // Big tenants take hours: say how far each log type has got, now and then.
    const progress = setInterval(
      () => reportProgress(jobs as ExportJob[], results, boundary),
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
        onJobDone: job => finishJob(job as ExportJob, settings, boundary, results)
      })
    } finally {
      clearInterval(progress)
    }
  } finally {
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
  /** The whole window this log type reads. */
  range?: { startMs: number; endMs: number }
  plan?: LogTypePlan
  chains: Chain[]
  counters: FetchCounters
  startedAt: number
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
  const window = spec.timeField ? (plan?.window ?? settings.window) : undefined
  const job: ExportJob = {
    name: spec.name,
    spec,
    plan,
    chains: [],
    counters,
    startedAt: boundary.clock.now(),
    abort: new AbortController(),
    range: window ? { startMs: window.start.getTime(), endMs: window.end.getTime() } : undefined,
    ranges: window ? initialSlices(window, slicesPerJob, tuning.minSplitMs) : undefined,
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
  return job
}

async function finishJob(
  job: ExportJob,
  settings: Settings,
  boundary: ExportBoundary,
  results: Map<LogTypeName, LogTypeResult>
): Promise<void> {
  const { spec } = job
  const failed = job.error !== undefined
  const writer = await openRecordWriter({
    dir: settings.outputDir,
    // A partial export must never pass for a complete one.
    baseName: failed ? `${spec.name}.incomplete` : spec.name,
    logType: spec.name,
    columns: columnsFor(spec.name, settings.columns),
    csv: settings.formats.csv,
    jsonl: settings.formats.jsonl,
    escapeFormulas: settings.escapeFormulas,
    maxRowsPerFile: settings.maxRowsPerFile,
    bom: settings.csvBom
  })
  // Newest range first: the files read newest to oldest, like Graph itself.
  const ordered = [...job.chains].sort((a, b) => b.startMs - a.startMs)
  const { plan } = job
  const merged = await mergeChainFiles(
    ordered.map(chain => chain.tmpPath),
    new IdSet(),
    writer,
    {
      timeField: spec.timeField,
      alreadyExported: plan?.alreadyExported,
      previousEndMs: plan?.previousEnd?.getTime(),
      rememberFromMs: plan?.rememberFrom,
      observe: record => boundary.observe?.(spec.name, record)
    }
  )
  const written = await writer.close()
  const drops: ChainDrops = { outOfWindow: 0, refetched: 0, untimed: 0 }
  for (const chain of job.chains) {
    drops.outOfWindow += chain.drops.outOfWindow
    drops.refetched += chain.drops.refetched
    drops.untimed += chain.drops.untimed
  }
  const first = job.chains[0]
  const range = job.range
  results.set(spec.name, {
    logType: spec.name,
    title: spec.title,
    status: failed ? 'failed' : 'ok',
    error: failed ? describeFailure(job.error) : undefined,
    request: {
      url: first?.firstUrl ?? '',
      filter: buildFilter(spec, range, settings.filter)
    },
    window: range ? { start: new Date(range.startMs), end: new Date(range.endMs) } : undefined,
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
    rememberedIds: merged.rememberedIds
  })
  if (failed) boundary.logger.warning(`${spec.title}: ${describeFailure(job.error)}`)
  else boundary.logger.info(`${spec.title}: ${merged.rows} records.`)
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

function describeFailure(error: unknown): string {
  if (error instanceof GraphRequestError) return error.message
  return errorMessage(error)
}

/** A log type this cloud does not offer: fail it clearly, without a request. */
function unavailable(spec: LogTypeSpec, settings: Settings): LogTypeResult {
  return {
    logType: spec.name,
    title: spec.title,
    status: 'failed',
    error:
      `${spec.title} is not available in the '${settings.cloud}' cloud (Graph offers it in: ` +
      `${spec.clouds.join(', ')}). Remove '${spec.name}' from log-types for this tenant.`,
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
