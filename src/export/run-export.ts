import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Pacer } from '../graph/pacer.js'
import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName } from '../settings.js'
import type { LogTypePlan } from '../state/continuity.js'
import { createJob, type ExportJob, type JobQuery } from './create-job.js'
import { DEFAULT_TUNING } from './default-tuning.js'
import { failedResult } from './failed-result.js'
import { finishJob } from './finish-job.js'
import { startMergeAhead } from './write-merged.js'
import { reportProgress } from './report-progress.js'
import { runScheduler } from './scheduler.js'
import type {
  ExportBoundary,
  ExportResult,
  ExportSettings,
  ExportTuning,
  LogTypeResult
} from './types.js'
import { unavailable } from './unavailable-log-type.js'

// The export's public face, kept here for its callers (main, tests, bench).
export { DEFAULT_TUNING } from './default-tuning.js'
export { THROTTLE_WINDOW_MS } from '../graph-limits.js'
export { initialSlices } from './initial-slices.js'
export { describeRetentionGap } from './retention-gap.js'
export type {
  ExportBoundary,
  ExportResult,
  ExportSettings,
  ExportTuning,
  LogTypeResult,
  LogTypeStatus,
  TailCounters
} from './types.js'

/**
 * Export every requested log type over the window: one request budget for the
 * run (the pacer), chains scheduled across log types, each log type merged to
 * its files as soon as its chains are done. A log type that fails keeps its
 * partial files under an `.incomplete` name and never stops the others.
 */
export async function runExport(
  settings: ExportSettings,
  boundary: ExportBoundary,
  tuning: ExportTuning = DEFAULT_TUNING,
  plans: Partial<Record<LogTypeName, LogTypePlan>> = {}
): Promise<ExportResult> {
  const started = boundary.clock.now()
  const pacer = new Pacer({
    rate: settings.rateLimit,
    windowMs: tuning.windowMs,
    marginMs: tuning.windowMarginMs,
    maxConcurrency: settings.maxConcurrency,
    clock: boundary.clock
  })
  await mkdir(settings.outputDir, { recursive: true })
  const tempRoot = boundary.tempDir ?? settings.outputDir
  await mkdir(tempRoot, { recursive: true })
  const tmp = await mkdtemp(join(tempRoot, 'entra-log-export-tmp-'))
  // Each part gets only what it reads: the chains their query, the writers their directory
  // (formats and columns are the sink's, boundary.openSink).
  const query: JobQuery = {
    window: settings.window,
    graphEndpoint: settings.graphEndpoint,
    filter: settings.filter,
    pageSize: settings.pageSize,
    cloud: settings.cloud
  }
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
        results.set(name, unavailable(spec, settings.cloud))
        continue
      }
      const job = await createJob(
        spec,
        query,
        boundary,
        tuning,
        pacer,
        tmp,
        plans[name],
        slicesPerJob
      )
      jobs.push(job)
      startMergeAhead(
        job,
        baseName => boundary.openSink({ dir: settings.outputDir, baseName, logType: spec.name }),
        boundary.observe,
        boundary.observedPart
      )
    }
    if (boundary.stop?.aborted) onStop()
    // Big tenants take hours: say how far each log type has got, now and then.
    const progress = setInterval(
      () => reportProgress(jobs, results, boundary.logger),
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
          finishJob(job as ExportJob, settings.outputDir, settings.filter, boundary, results).catch(
            (error: unknown) => {
              const failed = failedResult(job as ExportJob, settings.cloud, boundary.clock, error)
              results.set(failed.logType, failed)
              boundary.logger.warning(`${failed.title}: ${failed.error}`)
            }
          )
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
