/** The run half of the summary: what was asked, where the files are, what went wrong. */
import type { LogTypeResult } from '../export/types.js'
import { RETENTION_FREE_DAYS, RETENTION_PREMIUM_DAYS } from '../graph-limits.js'
import { escapeHtml, escapeInline } from './html.js'
import { addTable, bytes, count, duration, utc, type Budget } from './summary-format.js'
import type { SummaryInput } from './summary-input.js'

const DAY = 86_400_000
/** Files listed per log type before "and N more" (max-rows-per-file can make thousands). */
const FILES_LISTED = 10
/** Error text is Graph's and the tenant's; long stacks of it help nobody in a summary. */
const ERROR_CHARS = 1500

export function addHeader(budget: Budget, input: SummaryInput): void {
  const { settings, result } = input
  const failed = result?.logTypes.filter(t => t.status === 'failed') ?? []
  const state = input.stopped
    ? `⏹ ${input.stopped}`
    : input.fatal || !result
      ? '❌ failed'
      : failed.length === 0
        ? result.logTypes.some(t => t.retentionGap)
          ? '⚠️ everything Graph still holds (part of the window is past retention)'
          : '✅ complete'
        : failed.length === result.logTypes.length
          ? '❌ failed'
          : '⚠️ partial'
  const { start, end } = settings.window
  const align = settings.align !== 'none' ? `, aligned to the ${settings.align}` : ''
  const lines = [
    `## Entra ID log export: ${state}`,
    '',
    `- **Tenant** <code>${escapeInline(settings.tenantId)}</code> · **Cloud** ${settings.cloud} · **Auth** ${settings.auth}`,
    `- **Window** ${utc(start)} → ${utc(end)} (${duration(end.getTime() - start.getTime())}, end exclusive${align})`
  ]
  if (settings.incremental) {
    lines.push(
      `- **Incremental**: continues from the previous run's end, re-reading ${duration(settings.overlapMs)} before it for late events`
    )
  }
  const ms = input.durationMs ?? result?.durationMs
  if (ms !== undefined) {
    const started = input.startedAt ? ` (started ${utc(input.startedAt)})` : ''
    lines.push(`- **Duration** ${duration(ms)}${started}`)
  }
  lines.push(artifactLine(input))
  if (input.stopped) {
    lines.push(
      `- **Stopped early** (${input.stopped}): the files hold exactly these complete time ranges`
    )
    for (const t of result?.logTypes ?? []) {
      if (t.status === 'ok' || !t.completeRanges) continue
      const list = (ranges: LogTypeResult['missingRanges']): string =>
        ranges && ranges.length > 0
          ? ranges.map(r => `${utc(new Date(r.startMs))} → ${utc(new Date(r.endMs))}`).join(', ')
          : 'none'
      lines.push(
        `  - ${escapeInline(t.title)}: complete ${list(t.completeRanges)}; missing ${list(t.missingRanges)}`
      )
    }
  }
  lines.push('')
  budget.force(lines.join('\n'))
}

function artifactLine(input: SummaryInput): string {
  const { settings, artifact } = input
  const name = escapeInline(settings.artifactName)
  if (!artifact) {
    return `- **Artifact** ${input.artifactNote ? escapeInline(input.artifactNote) : 'not uploaded'}`
  }
  const link = artifact.url ? `<a href="${escapeHtml(artifact.url)}">${name}</a>` : name
  const download = input.runId
    ? ` · download with <code>${escapeInline(`gh run download ${input.runId} -n ${shellWord(settings.artifactName)}`)}</code>`
    : ''
  return `- **Artifact** ${link} (${bytes(artifact.size)} zipped)${download}`
}

/** Quote for a POSIX shell when the name holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/** Failures first and in a block that stands out, each with the fix. */
export function addProblems(budget: Budget, input: SummaryInput): void {
  const failed = input.result?.logTypes.filter(t => t.status === 'failed') ?? []
  if (input.fatal || failed.length > 0) {
    const lines = ['> [!CAUTION]']
    if (input.fatal)
      lines.push(`> ${escapeInline(input.fatal, { breaks: 'br', maxChars: ERROR_CHARS })}`)
    if (failed.length > 0) {
      if (input.fatal) lines.push('>')
      lines.push(`> ${failed.length} log type${failed.length === 1 ? '' : 's'} failed:`)
      for (const t of failed) {
        const why = escapeInline(t.error ?? 'no reason recorded', {
          breaks: 'br',
          maxChars: ERROR_CHARS
        })
        lines.push(`> - **${escapeInline(t.title)}**: ${why}`)
      }
    }
    budget.force(lines.join('\n') + '\n')
  }
  const warnings = collectWarnings(input)
  if (warnings.length > 0) {
    budget.force(['> [!WARNING]', ...warnings.map(w => `> - ${w}`)].join('\n') + '\n')
  }
}

/** Our own text only (numbers and settings), so no escaping beyond names. */
function collectWarnings(input: SummaryInput): string[] {
  const { settings, result } = input
  const warnings: string[] = []
  const now = input.startedAt ?? settings.window.end
  const age = now.getTime() - settings.window.start.getTime()
  // Graph's own retention edge, where it answered one, says more than this estimate.
  const graphNamedEdge = result?.logTypes.some(t => t.retentionGap) ?? false
  if (age > RETENTION_PREMIUM_DAYS * DAY && !graphNamedEdge) {
    warnings.push(
      `The window starts ${Math.floor(age / DAY)} days before the run. Entra keeps sign-ins and audits ${RETENTION_PREMIUM_DAYS} days ` +
        `(P1/P2; ${RETENTION_FREE_DAYS} days on Free), so the oldest part of the window holds no records: that is retention, not the export.`
    )
  }
  for (const t of result?.logTypes ?? []) {
    const gap = t.retentionGap
    if (gap) {
      warnings.push(
        `**${escapeInline(t.title)}**: records from ${utc(gap.start)} to ${utc(gap.end)} (end exclusive) are past Microsoft Graph's retention ` +
          `(7 days for audit logs without Entra ID P1/P2, 30 days otherwise): Graph's data starts at ${utc(gap.graphMinimum)}. ` +
          `The file holds everything Graph still keeps; the manifest marks the gap.`
      )
    }
    const lost = t.continuity?.lostRange
    if (lost) {
      warnings.push(
        `**${escapeInline(t.title)}**: the previous export ended ${utc(lost.start)}; records from ${utc(lost.start)} to ${utc(lost.end)} ` +
          (lost.retention === 'premium'
            ? "are past Entra's 30-day retention and are lost for good."
            : 'are past the 7-day retention of tenants without Entra ID P1/P2 and are lost if this tenant has no P1/P2.')
      )
    }
    if (t.continuity?.status === 'first-run' && settings.incremental) {
      warnings.push(
        `**${escapeInline(t.title)}**: no saved state from an earlier run, so continuity with earlier exports is not proven; this run read from \`since\`.`
      )
    }
    if (t.status === 'failed' && t.rows > 0) {
      warnings.push(
        `**${escapeInline(t.title)}** is partial: ${count(t.rows)} rows were kept in files named \`*.incomplete.*\`; do not treat them as the whole window.`
      )
    }
  }
  if (result && result.durationMs > 0 && result.pacer.throttledWaitMs > result.durationMs / 2) {
    warnings.push(
      `Throttling dominated the run: ${duration(result.pacer.throttledWaitMs)} of ${duration(result.durationMs)} was spent waiting after 429 answers. ` +
        `Another app or job may share this app registration's budget; schedule runs apart or use a separate app registration.`
    )
  }
  // A rate-limit above Graph's documented one is warned about once, when the
  // input is read (inputs/index.ts), not again here.
  return warnings
}

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
