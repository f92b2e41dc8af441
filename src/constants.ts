/**
 * Names of the action's inputs and outputs, as declared in action.yml. These are
 * public API (workflows pin them), so every other module refers to them from here.
 */
export const Inputs = {
  TenantId: 'tenant-id',
  ClientId: 'client-id',
  ClientSecret: 'client-secret',
  ClientCertificate: 'client-certificate',
  Auth: 'auth',
  OidcAudience: 'oidc-audience',
  Cloud: 'cloud',
  AuthorityHost: 'authority-host',
  GraphEndpoint: 'graph-endpoint',
  LogTypes: 'log-types',
  Since: 'since',
  Until: 'until',
  Align: 'align',
  Filter: 'filter',
  Format: 'format',
  Columns: 'columns',
  OutputDir: 'output-dir',
  Upload: 'upload',
  ArtifactName: 'artifact-name',
  RetentionDays: 'retention-days',
  CompressionLevel: 'compression-level',
  RateLimit: 'rate-limit',
  MaxConcurrency: 'max-concurrency',
  PageSize: 'page-size',
  EscapeFormulas: 'escape-formulas',
  MaxRowsPerFile: 'max-rows-per-file',
  CsvBom: 'csv-bom',
  Incremental: 'incremental',
  StateKey: 'state-key',
  Overlap: 'overlap',
  TimeBudget: 'time-budget'
} as const
export type InputName = (typeof Inputs)[keyof typeof Inputs]

/**
 * Defaults applied when an input is empty. action.yml declares the same values (a
 * unit test keeps the two in step); the code applies them too because the runner
 * only fills defaults for inputs the workflow omits, not for `with: x: ''`, and
 * tests call the code without a runner. Inputs absent here default to '', which
 * means "derive it" (output-dir, retention-days, endpoints, state-key) or "none".
 */
export const InputDefaults: Partial<Record<InputName, string>> = {
  [Inputs.Auth]: 'auto',
  [Inputs.OidcAudience]: 'api://AzureADTokenExchange',
  [Inputs.Cloud]: 'public',
  [Inputs.LogTypes]: 'service-principal-sign-ins, audit-logs',
  [Inputs.Since]: '24h',
  [Inputs.Until]: 'now',
  [Inputs.Align]: 'none',
  [Inputs.Format]: 'csv',
  [Inputs.Columns]: 'default',
  [Inputs.Upload]: 'true',
  [Inputs.ArtifactName]: 'entra-logs',
  [Inputs.CompressionLevel]: '6',
  [Inputs.RateLimit]: '5',
  [Inputs.MaxConcurrency]: '4',
  [Inputs.PageSize]: '1000',
  [Inputs.EscapeFormulas]: 'true',
  [Inputs.MaxRowsPerFile]: '1000000',
  [Inputs.CsvBom]: 'true',
  [Inputs.Incremental]: 'false',
  [Inputs.Overlap]: '2h'
}

export const Outputs = {
  OutputDir: 'output-dir',
  Files: 'files',
  RowCounts: 'row-counts',
  TotalRows: 'total-rows',
  ArtifactId: 'artifact-id',
  ArtifactUrl: 'artifact-url',
  WindowStart: 'window-start',
  WindowEnd: 'window-end',
  Manifest: 'manifest',
  Checksums: 'checksums',
  Complete: 'complete'
} as const
export type OutputName = (typeof Outputs)[keyof typeof Outputs]
