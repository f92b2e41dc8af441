/** Activity over time: one sparkline per log type, with its scale and peak. */
import { partialEdges } from '../findings/timeline.js'
import type { LogTypeFindings, Timeline } from '../findings/types.js'
import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName } from '../settings.js'
import { escapeInline } from './html.js'
import { sparkline } from './sparkline.js'
import { addTable, count, section, utc, type Budget } from './summary-format.js'

const DAY = 86_400_000

/**
 * The buckets to draw. A bucket the window covers only in part (the window
 * started or ended inside it) holds fewer records because it holds less time:
 * drawn, it would read as a dip and set the minimum. So it is left out of the
 * line, Min and Max (its records stay in the files and the totals), unless it
 * is the only bucket there is.
 */
export function drawnBuckets(t: Timeline): { from: number; to: number } {
  const edges = partialEdges(t)
  let from = 0
  let to = t.counts.length
  if (edges.first && to - from > 1) from++
  if (edges.last && to - from > 1) to--
  return { from, to }
}

export function addTimelines(budget: Budget, entries: [LogTypeName, LogTypeFindings][]): void {
  const rows: [LogTypeName, Timeline][] = []
  for (const [logType, f] of entries)
    if (f.timeline && f.records > 0) rows.push([logType, f.timeline])
  if (rows.length === 0) return
  // Every log type shares the run's window, hence the same buckets.
  const first = rows[0][1]
  const unit =
    first.bucket === 'hour'
      ? 'hour'
      : first.bucketMs === DAY
        ? 'day'
        : `${first.bucketMs / DAY} days`
  const { from, to } = drawnBuckets(first)
  const bucketStart = (i: number): Date => new Date(Date.parse(first.start) + i * first.bucketMs)
  const noun = unit === 'hour' || unit === 'day' ? unit : 'bucket'
  const left: string[] = []
  if (from > 0) {
    left.push(
      `the ${noun} starting ${utc(bucketStart(0))} (window starts ${utc(first.windowStart)})`
    )
  }
  if (to < first.counts.length) {
    left.push(`the ${noun} starting ${utc(bucketStart(to))} (window ends ${utc(first.windowEnd)})`)
  }
  const leftOut =
    left.length > 0
      ? ` Not drawn, as the window covers them only in part (fewer records there mean less time, not less activity; they are in the files and totals): ${left.join('; ')}.`
      : ''
  const intro = `### Activity over time\n\nOne block per ${unit} (UTC), ${utc(bucketStart(from))} to ${utc(bucketStart(to))}.${leftOut}\n`
  if (!section(budget, intro)) return
  addTable(
    budget,
    ['Log type', 'Records', 'Min', 'Max'],
    rows.map(([logType, t]) => {
      const counts = t.counts.slice(from, to)
      const max = Math.max(...counts)
      const peak = bucketStart(from + counts.indexOf(max))
      return [
        escapeInline(LOG_TYPE_SPECS[logType].title),
        sparkline(counts),
        count(Math.min(...counts)),
        `${count(max)} at ${utc(peak)}`
      ]
    }),
    ['l', 'l', 'r', 'l']
  )
}
