/**
 * Runs the export core in-process against the simulated tenant, with the real
 * credential and transport, and reads back what it wrote.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { createCredential } from '../../src/auth/credential.js'
import { graphScope } from '../../src/clouds.js'
import { DEFAULT_TUNING, runExport, type ExportResult } from '../../src/export/run-export.js'
import { recordSinksFor } from '../../src/output/record-writer.js'
import { systemClock } from '../../src/graph/clock.js'
import { createGraphTransport } from '../../src/graph/graph-transport.js'
import type { LogTypeName, Settings } from '../../src/settings.js'
import type { FakeTenant } from '../fake-tenant/index.js'
import { recordingLogger, type RecordingLogger } from './recording-logger.js'

export function testSettings(tenant: FakeTenant, overrides: Partial<Settings> = {}): Settings {
  const window = overrides.window ?? tenant.dataset.window
  return {
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    auth: 'client-secret',
    clientSecret: tenant.clientSecret,
    oidcAudience: 'api://AzureADTokenExchange',
    cloud: 'public',
    authorityHost: tenant.authorityHost,
    graphEndpoint: tenant.graphEndpoint,
    logTypes: ['audit-logs'],
    window: { start: new Date(window.start), end: new Date(window.end) },
    align: 'none',
    filter: '',
    formats: { csv: true, jsonl: false },
    columns: 'default',
    outputDir: mkdtempSync(join(tmpdir(), 'export-test-')),
    upload: false,
    artifactName: 'entra-logs',
    compressionLevel: 6,
    rateLimit: 1000,
    maxConcurrency: 4,
    pageSize: 50,
    escapeFormulas: true,
    maxRowsPerFile: 1_000_000,
    csvBom: true,
    incremental: false,
    stateKey: '',
    overlapMs: 0,
    ...overrides
  }
}

/** Fast retries: the simulated tenant's faults need no real waiting. */
export const FAST_TUNING = {
  ...DEFAULT_TUNING,
  retryPolicy: {
    ...DEFAULT_TUNING.retryPolicy,
    baseBackoffMs: 10,
    maxBackoffMs: 100,
    requestTimeoutMs: 10_000
  },
  minSplitMs: 1_000
}

export async function exportWith(
  tenant: FakeTenant,
  settings: Settings,
  tuning = FAST_TUNING
): Promise<{ result: ExportResult; logger: RecordingLogger }> {
  const logger = recordingLogger()
  const credential = createCredential(settings, {
    getIDToken: () => Promise.reject(new Error('no OIDC in this test')),
    mask: () => {},
    logger
  })
  const transport = createGraphTransport({
    credential,
    graphEndpoint: settings.graphEndpoint,
    scope: graphScope(settings.graphEndpoint)
  })
  const result = await runExport(
    settings,
    { transport, openSink: recordSinksFor(settings), clock: systemClock, logger },
    tuning
  )
  return { result, logger }
}

/** Rows of a CSV the export wrote, as objects keyed by header (BOM stripped). */
export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, bom: true, skip_empty_lines: false })
}

export function csvIds(result: ExportResult, logType: LogTypeName): string[] {
  const entry = result.logTypes.find(t => t.logType === logType)
  if (!entry) throw new Error(`no result for ${logType}`)
  return entry.files.filter(f => f.format === 'csv').flatMap(f => readCsv(f.path).map(r => r.id))
}
