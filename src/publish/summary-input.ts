import type { ExportResult } from '../export/types.js'
import type { Findings } from '../findings/types.js'
import type { Settings } from '../settings.js'
import type { UploadedArtifact } from './artifact.js'

/** What the step summary is rendered from (publish/summary.ts). */
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
