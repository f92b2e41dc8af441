/** The per-log-type tables: continuity with the previous run, then rows, files and effort. */
import type { LogTypeResult } from '../export/types.js'
import { escapeInline } from './html.js'
import { addTable, bytes, count, duration, utc, type Budget } from './summary-format.js'
import type { SummaryInput } from './summary-input.js'

/** Files listed per log type before "and N more" (max-rows-per-file can make thousands). */
const FILES_LISTED = 10

/** Incremental runs: how each log type's window joins the previous run's. */
export function addContinuityTable(budget: Budget, input: SummaryInput): void {
  const rows = (input.result?.logTypes ?? []).filter(t => t.continuity && t.window)
  if (rows.length === 0) return
  budget.force('### Continuity with the previous run\n')
  addTable(
    budget,
    [
      'Log type',
      'Continuity',
      'Previous end',
      'This run read from',
      'Overlap re-read',
      'Late records found',
      'Already exported, suppressed'
    ],
    rows.map(t => {
      const c = t.continuity!
      const overlap = c.previousEnd
        ? duration(c.previousEnd.getTime() - t.window!.start.getTime())
        : '—'
      return [
        escapeInline(t.title),
        c.status === 'continued'
          ? '✅ continued'
          : c.status === 'gap'
            ? '❌ gap (retention)'
            : '⚠️ first run',
        c.previousEnd ? utc(c.previousEnd) : '—',
        utc(t.window!.start),
        overlap,
        count(c.lateRecords),
        count(c.previouslyExported)
      ]
    }),
    ['l', 'l', 'l', 'l', 'r', 'r', 'r']
  )
}

export function addLogTypeTable(budget: Budget, input: SummaryInput): void {
  const logTypes = input.result?.logTypes
  if (!logTypes || logTypes.length === 0) return
  budget.force('### Log types\n')
  addTable(
    budget,
    ['Log type', 'Status', 'Rows', 'Files', 'Pages', 'Retries', 'Throttled', 'Duplicates dropped'],
    logTypes.map(logTypeRow),
    ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r']
  )
}

function logTypeRow(t: LogTypeResult): string[] {
  const shown = t.files.slice(0, FILES_LISTED).map(f => {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1)
    return `<code>${escapeInline(name)}</code> ${bytes(f.bytes)}`
  })
  if (t.files.length > FILES_LISTED) shown.push(`and ${t.files.length - FILES_LISTED} more`)
  const c = t.counters
  const throttled = c.throttled > 0 ? `${count(c.throttled)} (${duration(c.throttledWaitMs)})` : '0'
  return [
    escapeInline(t.title),
    t.status === 'ok'
      ? t.retentionGap
        ? '⚠️ gap (retention)'
        : '✅ ok'
      : t.status === 'stopped'
        ? '⏹ stopped'
        : t.rows > 0
          ? '⚠️ partial'
          : '❌ failed',
    count(t.rows),
    shown.join('<br>') || '—',
    count(c.pages),
    count(c.retries),
    throttled,
    count(t.duplicatesDropped)
  ]
}
