import type { ExportResult } from '../export/run-export.js'
import type { Findings } from '../findings/types.js'
import type { Settings } from '../settings.js'
import type { UploadedArtifact } from './artifact.js'
import { addFindings } from './summary-findings.js'
import { Budget, SUMMARY_LIMIT_BYTES } from './summary-format.js'
import { addContinuityTable, addHeader, addLogTypeTable, addProblems } from './summary-run.js'

export interface SummaryInput {
  settings: Settings
  result?: ExportResult
  artifact?: UploadedArtifact
  /** Why the upload was skipped or failed, when it was. */
  artifactNote?: string
  runId?: string
  /** A failure that stopped the run before or during the export. */
  fatal?: string
  /** The run stopped early ('cancelled', 'stopped by its time budget'). */
  stopped?: string
  /** What the records showed, from createFindings (absent when the export never ran). */
  findings?: Findings
  /** When the run started; the retention warning measures the window from here (default: window end). */
  startedAt?: Date
  /** Whole run, including sign-in and upload (default: the export's own duration). */
  durationMs?: number
  /** Byte limit for the whole summary (default 900 KiB, under GitHub's 1 MiB per step). */
  maxBytes?: number
}

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
