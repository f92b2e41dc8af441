import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ExportResult } from '../export/run-export.js'
import type { Settings } from '../settings.js'

export const MANIFEST_FILE = 'manifest.json'

/**
 * manifest.json: what was asked, what was read, and how hard it was, per log
 * type, with a sha256 per file so a later reader can prove the files are the
 * ones this run wrote. Paths are relative to the output directory (the
 * artifact's root), so the manifest stays true after download.
 */
export function buildManifest(
  settings: Settings,
  result: ExportResult,
  extra: {
    tool: { name: string; version: string }
    generatedAt: Date
    findings?: unknown
    incremental?: Record<string, unknown>
  }
): Record<string, unknown> {
  const relative = (path: string): string => path.slice(settings.outputDir.length + 1)
  return {
    schemaVersion: 1,
    tool: extra.tool,
    generatedAt: extra.generatedAt.toISOString(),
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    cloud: settings.cloud,
    graphEndpoint: settings.graphEndpoint,
    auth: settings.auth,
    window: {
      start: settings.window.start.toISOString(),
      end: settings.window.end.toISOString(),
      endExclusive: true,
      align: settings.align
    },
    incremental: extra.incremental ?? null,
    filter: settings.filter,
    columns: settings.columns,
    formats: Object.entries(settings.formats)
      .filter(([, on]) => on)
      .map(([name]) => name),
    pacing: {
      rateLimitPer10s: settings.rateLimit,
      maxConcurrency: settings.maxConcurrency,
      pageSize: settings.pageSize,
      ...result.pacer
    },
    durationMs: result.durationMs,
    status: result.logTypes.every(t => t.status === 'ok') ? 'ok' : 'failed',
    logTypes: Object.fromEntries(
      result.logTypes.map(t => [
        t.logType,
        {
          title: t.title,
          status: t.status,
          error: t.error,
          complete: t.status === 'ok',
          request: t.request,
          window: t.window && {
            start: t.window.start.toISOString(),
            end: t.window.end.toISOString()
          },
          continuity: t.continuity && {
            status: t.continuity.status,
            previousEnd: t.continuity.previousEnd?.toISOString() ?? null,
            previouslyExportedDropped: t.continuity.previouslyExported,
            lateRecords: t.continuity.lateRecords,
            lostRange: t.continuity.lostRange
          },
          rows: t.rows,
          duplicatesDropped: t.duplicatesDropped,
          outOfWindowDropped: t.drops.outOfWindow,
          refetchedDropped: t.drops.refetched,
          untimedDropped: t.drops.untimed,
          requests: t.counters.requests,
          pages: t.counters.pages,
          retries: t.counters.retries,
          throttled: t.counters.throttled,
          throttledWaitMs: Math.round(t.counters.throttledWaitMs),
          faults: t.counters.faults,
          chains: t.chains,
          chainRestarts: t.chainRestarts,
          // Slow pages: older ranges handed off, pages hedged, answers discarded.
          handOffs: t.tail?.handOffs ?? 0,
          hedgedPages: t.tail?.hedgedPages ?? 0,
          speculativeRequests: t.tail?.speculativeRequests ?? 0,
          truncatedCells: t.truncatedCells,
          uncataloguedFields: t.unknownFields,
          durationMs: Math.round(t.durationMs),
          files: t.files.map(f => ({
            path: relative(f.path),
            format: f.format,
            rows: f.rows,
            bytes: f.bytes,
            sha256: f.sha256
          }))
        }
      ])
    ),
    findings: extra.findings
  }
}

export async function writeManifest(
  outputDir: string,
  manifest: Record<string, unknown>
): Promise<string> {
  const path = join(outputDir, MANIFEST_FILE)
  await writeFile(path, JSON.stringify(manifest, null, 2) + '\n')
  return path
}
