/** Activity over time: one sparkline per log type, with its scale and peak. */
import type { LogTypeFindings, Timeline } from '../findings/types.js'
import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName } from '../settings.js'
import { escapeInline } from './html.js'
import { sparkline } from './sparkline.js'
import { addTable, count, section, utc, type Budget } from './summary-format.js'

const DAY = 86_400_000

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
  const end = new Date(Date.parse(first.start) + first.counts.length * first.bucketMs)
  const intro = `### Activity over time\n\nOne block per ${unit} (UTC), ${utc(first.start)} to ${utc(end)}.\n`
  if (!section(budget, intro)) return
  addTable(
    budget,
    ['Log type', 'Records', 'Min', 'Max'],
    rows.map(([logType, t]) => {
      const max = Math.max(...t.counts)
      const peak = new Date(Date.parse(t.start) + t.counts.indexOf(max) * t.bucketMs)
      return [
        escapeInline(LOG_TYPE_SPECS[logType].title),
        sparkline(t.counts),
        count(Math.min(...t.counts)),
        `${count(max)} at ${utc(peak)}`
      ]
    }),
    ['l', 'l', 'r', 'l']
  )
}
