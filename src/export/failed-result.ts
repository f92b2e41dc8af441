import { errorMessage } from '../errors.js'
import { describeWriteError, isWriteError } from '../write-errors.js'
import type { Clock } from '../graph/clock.js'
import type { Cloud } from '../settings.js'
import type { ExportJob } from './create-job.js'
import type { LogTypeResult } from './types.js'
import { unavailable } from './unavailable-log-type.js'

/** A log type whose files could not be finished: say why, in words, and deliver nothing of it. */
export function failedResult(
  job: ExportJob,
  cloud: Cloud,
  clock: Clock,
  error: unknown
): LogTypeResult {
  const base = unavailable(job.spec, cloud)
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
    durationMs: clock.now() - job.startedAt,
    writeFailed: isWriteError(error)
  }
}
