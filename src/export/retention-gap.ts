import { RETENTION_NOTE } from '../graph-limits.js'
import type { LogTypeSpec } from '../log-types.js'
import type { ExportJob } from './create-job.js'
import type { LogTypeResult } from './types.js'

/** [window start, Graph's edge) when Graph said part of the window is past retention. */
export function retentionGapOf(job: ExportJob): LogTypeResult['retentionGap'] {
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
