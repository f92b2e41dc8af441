import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { toIso } from '../export/ranges.js'
import type { ExportResult } from '../export/run-export.js'
import type { Settings } from '../settings.js'
import { createExclusive, publishExclusive } from './exclusive-open.js'
import { withPath } from '../write-errors.js'

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
    /** Why the run stopped early, if it did. */
    stopped?: 'cancelled' | 'time-budget'
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
    // 'cancelled' / 'time-budget': stopped early; each log type's completeRanges say what is in the files.
    status: extra.stopped ?? (result.logTypes.every(t => t.status === 'ok') ? 'ok' : 'failed'),
    logTypes: Object.fromEntries(
      result.logTypes.map(t => [
        t.logType,
        {
          title: t.title,
          status: t.status,
          error: t.error,
          // Everything Graph holds can still leave part of the window past retention.
          complete: t.status === 'ok' && !t.retentionGap,
          // Every record of these ranges is in the files, and nothing else; missing ones are not.
          completeRanges: t.completeRanges && toIso(t.completeRanges),
          missingRanges: t.missingRanges && toIso(t.missingRanges),
          retentionGap: t.retentionGap
            ? {
                start: t.retentionGap.start.toISOString(),
                end: t.retentionGap.end.toISOString(),
                endExclusive: true,
                graphMinimum: t.retentionGap.graphMinimum.toISOString(),
                reason:
                  'past Microsoft Graph retention (7 days for audit logs without Microsoft Entra ID P1/P2, 30 days otherwise)'
              }
            : null,
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
          orderViolations: t.orderViolations ?? 0,
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
  const partial = path + '.partial'
  try {
    // Written whole under a temporary name first: a full disk never leaves half a manifest.
    const file = await createExclusive(partial)
    try {
      await file.writeFile(JSON.stringify(manifest, null, 2) + '\n')
    } finally {
      await file.close()
    }
    await publishExclusive(partial, path)
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined)
    throw withPath(error, path)
  }
  return path
}
