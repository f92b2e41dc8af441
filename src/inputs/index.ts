/**
 * The only reader of the action's inputs. Every value is validated here, before
 * any network call, and every error names the input, the value received and what
 * is allowed. Secret values are masked the moment they are read and never appear
 * in a message.
 */
import * as core from '@actions/core'
import { CLOUD_ENDPOINTS } from '../clouds.js'
import { Inputs } from '../constants.js'
import { UserError } from '../errors.js'
import { DOCUMENTED_RATE_LIMIT, THROTTLE_WINDOW_MS } from '../graph-limits.js'
import {
  AUTH_MODES,
  CLOUDS,
  type Align,
  type Cloud,
  type ColumnSet,
  type Settings
} from '../settings.js'
import {
  formatInstant,
  isAbsoluteInstant,
  parseDuration,
  resolveWindow,
  retentionWarnings
} from '../window.js'
import {
  GUID_RE,
  maskCertificate,
  readTenantId,
  resolveAuth,
  validateCertificate
} from './credentials.js'
import {
  readBoolean,
  readChoice,
  readEndpoint,
  readRequired,
  readString,
  readWholeNumber
} from './read.js'
import { checkOutputDirIsFree, resolveOutputDir } from './paths.js'
import {
  readArtifactName,
  readFilter,
  readFormats,
  readLogTypes,
  validateStateKey
} from './values.js'

export interface InputContext {
  /** The run's clock, so the window is computed once and tests are deterministic. */
  now: Date
  /** Environment for runner facts (RUNNER_TEMP, the OIDC request URL); inputs come from @actions/core. */
  env: NodeJS.ProcessEnv
}

/** Excel's 1,048,576 rows minus the header row. */
const EXCEL_MAX_DATA_ROWS = 1_048_575
const MAX_OVERLAP_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Reads and validates every input. Returns the settings and warnings for the log
 * (e.g. a rate limit above Graph's documented one); throws UserError on any bad value.
 */
export function readSettings(context: InputContext): { settings: Settings; warnings: string[] } {
  const { now, env } = context
  const warnings: string[] = []

  // Secrets first, masked before any validation could echo them.
  const clientSecret = core.getInput(Inputs.ClientSecret)
  if (clientSecret !== '') core.setSecret(clientSecret)
  const clientCertificate = core.getInput(Inputs.ClientCertificate)
  maskCertificate(clientCertificate)

  const tenantId = readTenantId()
  const clientId = readRequired(Inputs.ClientId)
  if (!GUID_RE.test(clientId)) {
    throw new UserError(
      `Input '${Inputs.ClientId}' must be the application (client) ID, a GUID such as ` +
        `00000000-0000-0000-0000-000000000000; got '${clientId}'.`
    )
  }

  const auth = resolveAuth(readChoice(Inputs.Auth, ['auto', ...AUTH_MODES]), {
    hasSecret: clientSecret !== '',
    hasCertificate: clientCertificate !== '',
    canMintIdToken: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL),
    warnings
  })
  if (auth === 'certificate') warnings.push(...validateCertificate(clientCertificate, now))
  const oidcAudience = readString(Inputs.OidcAudience)

  const cloud: Cloud = readChoice(Inputs.Cloud, CLOUDS)
  const authorityHost = readEndpoint(Inputs.AuthorityHost) ?? CLOUD_ENDPOINTS[cloud].authorityHost
  const graphEndpoint = readEndpoint(Inputs.GraphEndpoint) ?? CLOUD_ENDPOINTS[cloud].graphEndpoint
  if (/\/(v1\.0|beta)$/i.test(graphEndpoint)) {
    throw new UserError(
      `Input '${Inputs.GraphEndpoint}' must be the Graph root without a version segment; ` +
        `got '${core.getInput(Inputs.GraphEndpoint)}'. Drop the trailing /v1.0 or /beta ` +
        `(each log type picks its own version).`
    )
  }

  const logTypes = readLogTypes()
  const align: Align = readChoice(Inputs.Align, ['none', 'hour', 'day'] as const)
  const resolved = resolveWindow({
    since: readString(Inputs.Since),
    until: readString(Inputs.Until),
    align,
    now
  })
  warnings.push(...resolved.warnings, ...retentionWarnings(resolved.window, now))

  const rateLimit = readWholeNumber(Inputs.RateLimit, 1, Number.MAX_SAFE_INTEGER)
  if (rateLimit > DOCUMENTED_RATE_LIMIT) {
    warnings.push(
      `Input '${Inputs.RateLimit}' is ${rateLimit}, above the ${DOCUMENTED_RATE_LIMIT} requests ` +
        `per ${THROTTLE_WINDOW_MS / 1000} seconds per app per tenant that Microsoft Graph documents for these reports; ` +
        `expect 429 (throttled) responses unless this tenant and cloud allow more.`
    )
  }

  const retentionText = readString(Inputs.RetentionDays)
  const stateKey = readString(Inputs.StateKey)
  validateStateKey(stateKey)
  const overlapMs = parseDuration(readString(Inputs.Overlap), Inputs.Overlap)
  if (overlapMs > MAX_OVERLAP_MS) {
    throw new UserError(
      `Input '${Inputs.Overlap}' must be at most 7d (logs older than that may already be ` +
        `gone on Free tenants); got '${readString(Inputs.Overlap)}'.`
    )
  }

  // Where files go is settled before any network call: inside the workspace or runner
  // temp, and free of files this run would write (the action never overwrites one).
  const artifactName = readArtifactName()
  const outputDir = resolveOutputDir(readString(Inputs.OutputDir), artifactName, env)
  checkOutputDirIsFree(outputDir, logTypes)
  const budgetText = readString(Inputs.TimeBudget)
  const timeBudgetMs = budgetText === '' ? undefined : parseDuration(budgetText, Inputs.TimeBudget)
  if (timeBudgetMs === 0) {
    throw new UserError(
      `Input '${Inputs.TimeBudget}' must be a positive duration such as 5h30m, or empty for none; got '${budgetText}'.`
    )
  }

  const settings: Settings = {
    tenantId,
    clientId,
    auth,
    clientSecret: auth === 'client-secret' ? clientSecret : undefined,
    clientCertificate: auth === 'certificate' ? clientCertificate : undefined,
    oidcAudience,
    cloud,
    authorityHost,
    graphEndpoint,
    logTypes,
    window: resolved.window,
    sinceIsAbsolute: isAbsoluteInstant(readString(Inputs.Since)),
    align,
    filter: readFilter(),
    formats: readFormats(),
    columns: readChoice<ColumnSet>(Inputs.Columns, ['default', 'all']),
    outputDir,
    upload: readBoolean(Inputs.Upload),
    artifactName,
    // GitHub allows 1-90 days on public repositories and up to 400 on private ones;
    // @actions/artifact lowers a value above the repository's own maximum with a warning.
    retentionDays: retentionText === '' ? undefined : readWholeNumber(Inputs.RetentionDays, 1, 400),
    compressionLevel: readWholeNumber(Inputs.CompressionLevel, 0, 9),
    rateLimit,
    maxConcurrency: readWholeNumber(Inputs.MaxConcurrency, 1, 16),
    pageSize: readWholeNumber(Inputs.PageSize, 1, 1000),
    escapeFormulas: readBoolean(Inputs.EscapeFormulas),
    maxRowsPerFile: readWholeNumber(Inputs.MaxRowsPerFile, 1, EXCEL_MAX_DATA_ROWS),
    csvBom: readBoolean(Inputs.CsvBom),
    incremental: readBoolean(Inputs.Incremental),
    stateKey,
    overlapMs,
    timeBudgetMs
  }
  return { settings, warnings }
}

/** The resolved settings, one per line, for core.debug. Secrets show only whether they are set. */
export function describeSettings(settings: Settings): string {
  const secret = (value: string | undefined): string => (value ? '(set, masked)' : '(not set)')
  const lines: [string, unknown][] = [
    ['tenant-id', settings.tenantId],
    ['client-id', settings.clientId],
    ['auth', settings.auth],
    ['client-secret', secret(settings.clientSecret)],
    ['client-certificate', secret(settings.clientCertificate)],
    ['oidc-audience', settings.oidcAudience],
    ['cloud', settings.cloud],
    ['authority-host', settings.authorityHost],
    ['graph-endpoint', settings.graphEndpoint],
    ['log-types', settings.logTypes.join(', ')],
    [
      'window',
      `${formatInstant(settings.window.start)} .. ${formatInstant(settings.window.end)} (exclusive)`
    ],
    ['align', settings.align],
    ['filter', settings.filter || '(none)'],
    ['formats', Object.entries(settings.formats).flatMap(([k, on]) => (on ? [k] : []))],
    ['columns', settings.columns],
    ['output-dir', settings.outputDir],
    ['upload', settings.upload],
    ['artifact-name', settings.artifactName],
    ['retention-days', settings.retentionDays ?? '(repository default)'],
    ['compression-level', settings.compressionLevel],
    ['rate-limit', settings.rateLimit],
    ['max-concurrency', settings.maxConcurrency],
    ['page-size', settings.pageSize],
    ['escape-formulas', settings.escapeFormulas],
    ['max-rows-per-file', settings.maxRowsPerFile],
    ['csv-bom', settings.csvBom],
    ['incremental', settings.incremental],
    ['state-key', settings.stateKey || '(derived)'],
    ['overlap', `${settings.overlapMs / 1000}s`],
    [
      'time-budget',
      settings.timeBudgetMs === undefined ? '(none)' : `${settings.timeBudgetMs / 1000}s`
    ]
  ]
  return lines
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n')
}
