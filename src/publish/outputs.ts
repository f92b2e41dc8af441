import * as core from '@actions/core'
import type { ExportResult } from '../export/types.js'
import type { Settings } from '../settings.js'
import type { UploadedArtifact } from './artifact.js'

export function setOutputs(
  settings: Pick<Settings, 'outputDir' | 'window'>,
  result: ExportResult,
  files: string[],
  manifestPath: string,
  artifact: UploadedArtifact | undefined,
  checksumsPath: string
): void {
  const rowCounts = Object.fromEntries(result.logTypes.map(t => [t.logType, t.rows]))
  core.setOutput('output-dir', settings.outputDir)
  core.setOutput('files', JSON.stringify(files))
  core.setOutput('row-counts', JSON.stringify(rowCounts))
  core.setOutput('total-rows', String(result.logTypes.reduce((sum, t) => sum + t.rows, 0)))
  core.setOutput('artifact-id', artifact ? String(artifact.id) : '')
  core.setOutput('artifact-url', artifact?.url ?? '')
  // Incremental runs choose a start per log type: report the earliest one read.
  const starts = result.logTypes.flatMap(t => (t.window ? [t.window.start.getTime()] : []))
  const start = starts.length > 0 ? new Date(Math.min(...starts)) : settings.window.start
  core.setOutput('window-start', start.toISOString())
  core.setOutput('window-end', settings.window.end.toISOString())
  core.setOutput('manifest', manifestPath)
  core.setOutput('checksums', checksumsPath)
  // false when a log type failed, the run stopped (time budget, cancel) before the window was
  // read, or part of the window is past Graph's retention: as the manifest's `complete`.
  core.setOutput(
    'complete',
    String(result.logTypes.every(t => t.status === 'ok' && !t.retentionGap))
  )
}
