/** The typed, validated settings the export runs on. Built only by inputs/index.ts. */

export const LOG_TYPES = [
  'interactive-sign-ins',
  'non-interactive-sign-ins',
  'service-principal-sign-ins',
  'managed-identity-sign-ins',
  'audit-logs',
  'provisioning-logs',
  'service-principal-activity'
] as const
export type LogTypeName = (typeof LOG_TYPES)[number]

export const AUTH_MODES = ['client-secret', 'certificate', 'oidc', 'azure-cli'] as const
export type AuthMode = (typeof AUTH_MODES)[number]

export const CLOUDS = ['public', 'usgov', 'usgov-dod', 'china'] as const
export type Cloud = (typeof CLOUDS)[number]

export type Align = 'none' | 'hour' | 'day'
export type ColumnSet = 'default' | 'all'

export interface TimeWindow {
  /** Inclusive start (UTC). */
  start: Date
  /** Exclusive end (UTC). */
  end: Date
}

export interface Settings {
  /** Directory (tenant) ID: a GUID or a verified domain. */
  tenantId: string
  /** Application (client) ID. */
  clientId: string
  /** Resolved authentication mode (never 'auto'). */
  auth: AuthMode
  /** Client secret, when auth is client-secret. */
  clientSecret?: string
  /** PEM holding a private key and a certificate, when auth is certificate. */
  clientCertificate?: string
  /** Audience requested for the GitHub OIDC token. */
  oidcAudience: string
  cloud: Cloud
  /** Login endpoint, e.g. https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string
  /** Graph root without version segment, e.g. https://graph.microsoft.com (no trailing slash). */
  graphEndpoint: string
  /** Log types to export, deduplicated, in catalogue order. */
  logTypes: LogTypeName[]
  /** The window [start, end) queried for time-windowed log types. */
  window: TimeWindow
  /** `since` named an instant (not a duration ago): incremental re-reads never reach before it. */
  sinceIsAbsolute?: boolean
  align: Align
  /** Extra OData clause ANDed to every windowed query ('' for none). */
  filter: string
  formats: { csv: boolean; jsonl: boolean }
  columns: ColumnSet
  outputDir: string
  upload: boolean
  artifactName: string
  /** Artifact retention in days; undefined = repository default. */
  retentionDays?: number
  compressionLevel: number
  /** Requests per 10 s per app per tenant. */
  rateLimit: number
  /** Requests in flight at once. */
  maxConcurrency: number
  /** $top, 1..1000. */
  pageSize: number
  escapeFormulas: boolean
  maxRowsPerFile: number
  /** Start CSV files with a UTF-8 BOM so Excel reads non-ASCII text correctly. */
  csvBom: boolean
  /** Continue from the previous run's saved state instead of `since` (issue 7). */
  incremental: boolean
  /** Prefix of the state cache key; '' = derive from tenant, log types and filter. */
  stateKey: string
  /** How far before the previous end an incremental run re-reads, for late events. */
  overlapMs: number
  /** Stop exporting after this long (the run's start counts), delivering complete ranges; undefined = no budget. */
  timeBudgetMs?: number
}
