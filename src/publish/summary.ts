import { addFindings } from './summary-findings.js'
import { Budget, SUMMARY_LIMIT_BYTES } from './summary-format.js'
import type { SummaryInput } from './summary-input.js'
import { addHeader } from './summary-header.js'
import { addProblems } from './summary-problems.js'
import { addContinuityTable, addLogTypeTable } from './summary-tables.js'

export type { SummaryInput }

/**
 * The step summary as GitHub-flavoured markdown with inline HTML. Everything
 * the tenant controls is escaped (publish/html.ts). Sections are added in order
 * of importance — outcome, failures, warnings, files, then findings — and stop
 * at a row boundary when the next would pass the byte limit, saying so.
 */
export function renderSummary(input: SummaryInput): string {
  const budget = new Budget(input.maxBytes ?? SUMMARY_LIMIT_BYTES)
  addHeader(budget, input)
  addProblems(budget, input)
  addLogTypeTable(budget, input)
  addContinuityTable(budget, input)
  if (input.findings) {
    const partial = new Set(
      input.result?.logTypes.filter(t => t.status === 'failed').map(t => t.logType) ?? []
    )
    addFindings(budget, input.findings, partial)
  }
  if (budget.cut > 0) {
    budget.force(
      `> [!NOTE]\n> ${budget.cut} rows or sections were cut to keep this summary under GitHub's 1 MiB limit. ` +
        'The full findings are in `manifest.json` in the artifact.\n'
    )
  }
  return budget.toString()
}
