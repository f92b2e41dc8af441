/** The top of the summary: the outcome, what was asked, where the files are. */
import type { LogTypeResult } from '../export/types.js'
import { escapeHtml, escapeInline } from './html.js'
import { bytes, duration, utc, type Budget } from './summary-format.js'
import type { SummaryInput } from './summary-input.js'

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
