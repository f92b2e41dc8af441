/**
 * The one place the benchmark builds Settings, so every scenario (ours and the
 * baselines) runs on the same values; only what a scenario names differs.
 */
import type { LogTypeName, Settings } from '../src/settings.js'

/** What the simulated tenant hands out: enough to sign in with a client secret. */
export interface TenantAccess {
  tenantId: string
  clientId: string
  clientSecret: string
  authorityHost: string
  graphEndpoint: string
}

export interface BenchRun {
  logTypes: LogTypeName[]
  /** ISO instants; the window is [start, end). */
  window: { start: string; end: string }
  pageSize: number
  /** Requests per throttle window (the action's rate-limit input). */
  rateLimit: number
  maxConcurrency: number
  outputDir: string
}

/** Excel's row limit, the action's largest max-rows-per-file: one CSV per log type. */
const ONE_FILE = 1_048_575

export function benchSettings(tenant: TenantAccess, run: BenchRun): Settings {
  return {
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    auth: 'client-secret',
    clientSecret: tenant.clientSecret,
    oidcAudience: 'api://AzureADTokenExchange',
    cloud: 'public',
    authorityHost: tenant.authorityHost,
    graphEndpoint: tenant.graphEndpoint,
    logTypes: run.logTypes,
    window: { start: new Date(run.window.start), end: new Date(run.window.end) },
    align: 'none',
    filter: '',
    formats: { csv: true, jsonl: false },
    columns: 'default',
    outputDir: run.outputDir,
    upload: false,
    artifactName: 'entra-logs',
    compressionLevel: 6,
    rateLimit: run.rateLimit,
    maxConcurrency: run.maxConcurrency,
    pageSize: run.pageSize,
    escapeFormulas: true,
    maxRowsPerFile: ONE_FILE,
    csvBom: false,
    incremental: false,
    stateKey: '',
    overlapMs: 0
  }
}
