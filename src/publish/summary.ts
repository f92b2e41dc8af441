import type { ExportResult } from '../export/run-export.js'
import type { Settings } from '../settings.js'
import type { UploadedArtifact } from './artifact.js'
import { escapeHtml } from './html.js'

export interface SummaryInput {
  settings: Settings
  result?: ExportResult
  artifact?: UploadedArtifact
  /** Why the upload was skipped or failed, when it was. */
  artifactNote?: string
  runId?: string
  /** A failure that stopped the run before or during the export. */
  fatal?: string
}

/** The step summary as GitHub-flavoured markdown with inline HTML where tables need it. */
export function renderSummary(input: SummaryInput): string {
  const { settings, result } = input
  const lines: string[] = []
  lines.push('## Entra ID log export')
  lines.push('')
  lines.push(
    `Window: **${settings.window.start.toISOString()}** to **${settings.window.end.toISOString()}** (end exclusive` +
      `${settings.align !== 'none' ? `, aligned to the ${settings.align}` : ''}) · tenant \`${escapeHtml(settings.tenantId)}\` · cloud ${settings.cloud} · auth ${settings.auth}`
  )
  lines.push('')
  if (input.fatal) {
    lines.push(`> [!CAUTION]\n> ${escapeHtml(input.fatal)}`)
    lines.push('')
  }
  if (result) {
    lines.push(
      '| Log type | Status | Rows | Files | Pages | Retries | Throttled | Duplicates dropped |'
    )
    lines.push('|---|---|--:|---|--:|--:|--:|--:|')
    for (const t of result.logTypes) {
      const files = t.files.map(f => `\`${escapeHtml(basename(f.path))}\``).join('<br>') || '—'
      lines.push(
        `| ${escapeHtml(t.title)} | ${t.status === 'ok' ? '✅ ok' : '❌ failed'} | ${t.rows} | ${files} | ` +
          `${t.counters.pages} | ${t.counters.retries} | ${t.counters.throttled} | ${t.duplicatesDropped} |`
      )
    }
    lines.push('')
    const failed = result.logTypes.filter(t => t.status === 'failed')
    if (failed.length > 0) {
      lines.push('> [!WARNING]')
      lines.push(
        '> Some log types could not be exported. Their partial files are named `*.incomplete.*`.'
      )
      for (const t of failed)
        lines.push(`> - **${escapeHtml(t.title)}**: ${escapeHtml(t.error ?? '')}`)
      lines.push('')
    }
  }
  if (input.artifact) {
    const link = input.artifact.url
      ? `[${escapeHtml(settings.artifactName)}](${input.artifact.url})`
      : escapeHtml(settings.artifactName)
    lines.push(`Artifact: ${link} (${input.artifact.size} bytes)`)
    if (input.runId) {
      lines.push('')
      lines.push(`Download: \`gh run download ${input.runId} -n ${settings.artifactName}\``)
    }
  } else if (input.artifactNote) {
    lines.push(`Artifact: ${escapeHtml(input.artifactNote)}`)
  }
  lines.push('')
  return lines.join('\n')
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
