/**
 * The only reader of the action's inputs. Every value is validated here, before
 * any network call, and every error names the input, the value received and what
 * is allowed. Secret values are masked the moment they are read and never appear
 * in a message.
 */
import * as core from '@actions/core'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCertificatePem } from './auth/certificate-pem.js'
import { CLOUD_ENDPOINTS } from './clouds.js'
import { InputDefaults, Inputs, type InputName } from './constants.js'
import { UserError } from './errors.js'
import {
  AUTH_MODES,
  CLOUDS,
  LOG_TYPES,
  type Align,
  type AuthMode,
  type Cloud,
  type ColumnSet,
  type LogTypeName,
  type Settings
} from './settings.js'
import { formatInstant, parseDuration, resolveWindow, retentionWarnings } from './window.js'

export interface InputContext {
  /** The run's clock, so the window is computed once and tests are deterministic. */
  now: Date
  /** Environment for runner facts (RUNNER_TEMP, the OIDC request URL); inputs come from @actions/core. */
  env: NodeJS.ProcessEnv
}

/** Graph documents 5 requests per 10 s per app per tenant for the sign-in and audit reports. */
const DOCUMENTED_RATE_LIMIT = 5
/** Excel's 1,048,576 rows minus the header row. */
const EXCEL_MAX_DATA_ROWS = 1_048_575
const MAX_OVERLAP_MS = 7 * 24 * 60 * 60 * 1000
// Cache keys may not exceed 512 characters; leave room for the run-specific suffix.
const MAX_STATE_KEY_LENGTH = 400
const MAX_ARTIFACT_NAME_LENGTH = 256

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i
const WHOLE_NUMBER_RE = /^\d+$/

const FORBIDDEN_ARTIFACT_CHARS: ReadonlyMap<string, string> = new Map([
  ['"', 'double quote (")'],
  [':', 'colon (:)'],
  ['<', 'less-than sign (<)'],
  ['>', 'greater-than sign (>)'],
  ['|', 'vertical bar (|)'],
  ['*', 'asterisk (*)'],
  ['?', 'question mark (?)'],
  ['\r', 'carriage return'],
  ['\n', 'line feed'],
  ['\\', 'backslash (\\)'],
  ['/', 'forward slash (/)']
])

const SECRET_UNAVAILABLE_HINT =
  'An empty secret often means it is not available in this context: secrets are not passed ' +
  'to workflows triggered by pull requests from forks or by Dependabot, and a misspelt ' +
  '`secrets.NAME` expands to an empty string.'

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
        `per 10 seconds per app per tenant that Microsoft Graph documents for these reports; ` +
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
    align,
    filter: readFilter(),
    formats: readFormats(),
    columns: readChoice<ColumnSet>(Inputs.Columns, ['default', 'all']),
    outputDir: readOutputDir(env),
    upload: readBoolean(Inputs.Upload),
    artifactName: readArtifactName(),
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
    overlapMs
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
    ['overlap', `${settings.overlapMs / 1000}s`]
  ]
  return lines
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n')
}

// ---------------------------------------------------------------------------

function readString(name: InputName): string {
  const value = core.getInput(name)
  return value === '' ? (InputDefaults[name] ?? '') : value
}

function readRequired(name: InputName): string {
  const value = core.getInput(name)
  if (value === '') throw new UserError(`Input '${name}' is required and was empty.`)
  return value
}

function readChoice<T extends string>(name: InputName, allowed: readonly T[]): T {
  const raw = readString(name)
  const value = raw.toLowerCase()
  const match = allowed.find(choice => choice === value)
  if (match === undefined) {
    throw new UserError(`Input '${name}' must be one of ${allowed.join(' | ')}; got '${raw}'.`)
  }
  return match
}

function readBoolean(name: InputName): boolean {
  // getBooleanInput rejects '' too; the runner fills defaults, tests and `with: x: ''` do not.
  if (core.getInput(name) === '') return InputDefaults[name] === 'true'
  try {
    return core.getBooleanInput(name)
  } catch (error) {
    throw new UserError(`Input '${name}' must be true | false; got '${core.getInput(name)}'.`, {
      cause: error
    })
  }
}

function readWholeNumber(name: InputName, min: number, max: number): number {
  const raw = readString(name)
  const value = Number(raw)
  if (!WHOLE_NUMBER_RE.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`
    throw new UserError(`Input '${name}' must be a whole number ${range}; got '${raw}'.`)
  }
  return value
}

function readTenantId(): string {
  const value = readRequired(Inputs.TenantId)
  if (GUID_RE.test(value) || DOMAIN_RE.test(value)) return value
  throw new UserError(
    `Input '${Inputs.TenantId}' must be the directory (tenant) ID, a GUID, or a verified ` +
      `domain such as contoso.onmicrosoft.com; got '${value}'. ` +
      `('common' and 'organizations' do not work: app-only tokens need a specific tenant.)`
  )
}

function resolveAuth(
  requested: AuthMode | 'auto',
  facts: {
    hasSecret: boolean
    hasCertificate: boolean
    canMintIdToken: boolean
    warnings: string[]
  }
): AuthMode {
  const { hasSecret, hasCertificate, canMintIdToken, warnings } = facts
  let auth: AuthMode
  if (requested !== 'auto') {
    auth = requested
  } else if (hasSecret) {
    auth = 'client-secret'
  } else if (hasCertificate) {
    auth = 'certificate'
  } else if (canMintIdToken) {
    auth = 'oidc'
  } else {
    throw new UserError(
      `No credential: input '${Inputs.Auth}' is auto, but '${Inputs.ClientSecret}' and ` +
        `'${Inputs.ClientCertificate}' are empty and this job cannot request a GitHub OIDC ` +
        `token. Pass '${Inputs.ClientSecret}' from a repository secret ` +
        '(`client-secret: ${{ secrets.ENTRA_CLIENT_SECRET }}`) or ' +
        `'${Inputs.ClientCertificate}', or for keyless OIDC add \`permissions: id-token: write\` ` +
        `to the job and a federated credential to the app registration. ${SECRET_UNAVAILABLE_HINT}`
    )
  }

  if (auth === 'client-secret' && !hasSecret) {
    throw new UserError(
      `Input '${Inputs.Auth}' is client-secret but '${Inputs.ClientSecret}' is empty. ` +
        SECRET_UNAVAILABLE_HINT
    )
  }
  if (auth === 'certificate' && !hasCertificate) {
    throw new UserError(
      `Input '${Inputs.Auth}' is certificate but '${Inputs.ClientCertificate}' is empty. ` +
        SECRET_UNAVAILABLE_HINT
    )
  }
  if (auth === 'oidc' && !canMintIdToken) {
    throw new UserError(
      `Input '${Inputs.Auth}' is oidc but this job cannot request a GitHub OIDC token: add ` +
        '`permissions: id-token: write` to the job (or workflow). Pull requests from forks ' +
        'never get one.'
    )
  }
  if (hasSecret && auth !== 'client-secret') {
    warnings.push(`Input '${Inputs.ClientSecret}' is set but ignored because auth is ${auth}.`)
  }
  if (hasCertificate && auth !== 'certificate') {
    warnings.push(
      `Input '${Inputs.ClientCertificate}' is set but ignored because auth is ${auth}` +
        (requested === 'auto' ? ' (auto prefers the secret; set auth: certificate).' : '.')
    )
  }
  return auth
}

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/**
 * Masks the certificate input. The runner masks a multi-line value line by line
 * only unreliably, so each line of the private key block is registered too.
 */
function maskCertificate(pem: string): void {
  if (pem === '') return
  core.setSecret(pem)
  for (const block of pem.match(PEM_BLOCK_RE) ?? []) {
    if (!/PRIVATE KEY-----/.test(block.split(/\r?\n/)[0])) continue
    core.setSecret(block)
    for (const line of block.split(/\r?\n/)) {
      const text = line.trim()
      if (text !== '' && !text.startsWith('-----')) core.setSecret(text)
    }
  }
}

/**
 * Checks the PEM the way the credential will use it (auth/certificate-pem.ts),
 * so a bad certificate fails here, before any network call, with a fix rather
 * than as an opaque token error. Returns warnings.
 */
function validateCertificate(pem: string, now: Date): string[] {
  const certificate = parseCertificatePem(pem)
  if (certificate.validTo.getTime() < now.getTime()) {
    return [
      `The certificate in '${Inputs.ClientCertificate}' (thumbprint ${certificate.thumbprint}) expired on ` +
        `${formatInstant(certificate.validTo)}; Entra ID will likely reject it.`
    ]
  }
  return []
}

function readEndpoint(name: InputName): string | undefined {
  const raw = core.getInput(name)
  if (raw === '') return undefined
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  // https only: @azure/identity refuses other authorities, and a token must not travel in clear.
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) {
    throw new UserError(
      `Input '${name}' must be an https URL without credentials, query or fragment, such as ` +
        `https://login.microsoftonline.com; got '${raw}'.`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function readLogTypes(): LogTypeName[] {
  const raw = readString(Inputs.LogTypes)
  const names = raw
    .split(/[,\n]/)
    .map(name => name.trim().toLowerCase())
    .filter(name => name !== '')
  if (names.length === 0) {
    throw new UserError(
      `Input '${Inputs.LogTypes}' names no log type; got '${raw}'. Allowed: all, ${LOG_TYPES.join(', ')}.`
    )
  }
  const wanted = new Set<string>()
  for (const name of names) {
    if (name === 'all') {
      LOG_TYPES.forEach(type => wanted.add(type))
    } else if ((LOG_TYPES as readonly string[]).includes(name)) {
      wanted.add(name)
    } else {
      throw new UserError(
        `Input '${Inputs.LogTypes}' has unknown log type '${name}'. ` +
          `Allowed: all, ${LOG_TYPES.join(', ')}.`
      )
    }
  }
  // Catalogue order, so files, manifest and summary list types the same way every run.
  return LOG_TYPES.filter(type => wanted.has(type))
}

/**
 * Rejects only what is certainly broken (unbalanced quotes or parentheses) and
 * leaves the rest to Graph, which knows its OData dialect better than a regex.
 */
function readFilter(): string {
  const filter = readString(Inputs.Filter)
  let inString = false
  let depth = 0
  for (const char of filter) {
    // '' inside a string is an escaped quote: it toggles twice, so no special case.
    if (char === "'") inString = !inString
    else if (!inString && char === '(') depth++
    else if (!inString && char === ')' && --depth < 0) break
  }
  if (inString) {
    throw new UserError(
      `Input '${Inputs.Filter}' has an unbalanced single quote; got '${filter}'. ` +
        `Quote strings as 'text' and write a quote inside one as ''.`
    )
  }
  if (depth !== 0) {
    throw new UserError(`Input '${Inputs.Filter}' has unbalanced parentheses; got '${filter}'.`)
  }
  return filter
}

function readFormats(): Settings['formats'] {
  const raw = readString(Inputs.Format)
  const parts = raw
    .split(/[,\n]/)
    .map(part => part.trim().toLowerCase())
    .filter(part => part !== '')
  const formats = { csv: false, jsonl: false }
  for (const part of parts) {
    if (part === 'csv' || part === 'both') formats.csv = true
    if (part === 'jsonl' || part === 'both') formats.jsonl = true
  }
  if (parts.length === 0 || parts.some(part => !['csv', 'jsonl', 'both'].includes(part))) {
    throw new UserError(
      `Input '${Inputs.Format}' must be csv, jsonl, both, or a list such as 'csv, jsonl'; got '${raw}'.`
    )
  }
  return formats
}

function readOutputDir(env: NodeJS.ProcessEnv): string {
  const raw = readString(Inputs.OutputDir)
  // Relative paths resolve against the working directory, which is the workspace on a runner.
  if (raw !== '') return path.resolve(raw)
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'entra-log-export')
}

function readArtifactName(): string {
  const name = readString(Inputs.ArtifactName)
  for (const char of name) {
    const label = FORBIDDEN_ARTIFACT_CHARS.get(char)
    if (label !== undefined) {
      throw new UserError(
        `Input '${Inputs.ArtifactName}' must not contain a ${label}; got '${name}'. ` +
          `Artifact names may not contain " : < > | * ? \\ / or line breaks.`
      )
    }
  }
  if (name.length > MAX_ARTIFACT_NAME_LENGTH) {
    throw new UserError(
      `Input '${Inputs.ArtifactName}' must be at most ${MAX_ARTIFACT_NAME_LENGTH} characters; ` +
        `got ${name.length}.`
    )
  }
  return name
}

function validateStateKey(key: string): void {
  // @actions/cache rejects keys with commas and keys over 512 characters.
  if (key.includes(',')) {
    throw new UserError(`Input '${Inputs.StateKey}' must not contain a comma; got '${key}'.`)
  }
  if (key.length > MAX_STATE_KEY_LENGTH) {
    throw new UserError(
      `Input '${Inputs.StateKey}' must be at most ${MAX_STATE_KEY_LENGTH} characters; got ${key.length}.`
    )
  }
}
