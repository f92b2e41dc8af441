/** What went wrong: failures first, each with its fix, then warnings. */
import { RETENTION_FREE_DAYS, RETENTION_PREMIUM_DAYS } from '../graph-limits.js'
import { escapeInline } from './html.js'
import { count, duration, utc, type Budget } from './summary-format.js'
import type { SummaryInput } from './summary-input.js'

const DAY = 86_400_000
/** Error text is Graph's and the tenant's; long stacks of it help nobody in a summary. */
const ERROR_CHARS = 1500

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
