import { errorMessage, UserError } from '../errors.js'
import { safeLogText } from '../log-text.js'
import { GraphRequestError } from '../graph/graph-errors.js'
import { buildFilter } from '../graph/query.js'
import type { LogTypeSpec } from '../log-types.js'
import { describeWriteError, isWriteError } from '../write-errors.js'
import { normalise, subtract } from '../ranges.js'
import type { LogTypeName } from '../settings.js'
import { UNTIMED_SAMPLE, type Chain, type ChainDrops } from './chain.js'
import type { ExportJob } from './create-job.js'
import { describeRetentionGap, retentionGapOf } from './retention-gap.js'
import type { ExportBoundary, LogTypeResult, LogTypeStatus } from './types.js'
import { writeMerged } from './write-merged.js'

export async function finishJob(
  job: ExportJob,
  /** Where the log type's files go. */
  outputDir: string,
  /** The user's extra $filter, for the request the result reports. */
  filter: string,
  boundary: Pick<ExportBoundary, 'openSink' | 'clock' | 'logger' | 'stop' | 'observe'>,
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
  const { merged, written } = await writeMerged(
    job,
    baseName => boundary.openSink({ dir: outputDir, baseName, logType: spec.name }),
    boundary.observe,
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
      filter: buildFilter(spec, range, filter)
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
