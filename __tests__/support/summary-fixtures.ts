/**
 * A small hand-written tenant, shaped like Graph's records (beta signIn,
 * directoryAudit, provisioningObjectSummary), whose expected counts are worked
 * out by hand in the tests.
 */
import type { ExportResult, LogTypeResult } from '../../src/export/run-export.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import type { LogTypeName, Settings } from '../../src/settings.js'

export const IMG = '<img src=x onerror=alert(1)>'
export const PIPE = '| pipe'
export const BOLD = '**bold**'

export const WINDOW = {
  start: new Date('2026-10-05T00:00:00Z'),
  end: new Date('2026-10-06T00:00:00Z')
}

export function settingsFor(overrides: Partial<Settings> = {}): Settings {
  return {
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: '66666666-7777-8888-9999-000000000000',
    auth: 'oidc',
    oidcAudience: 'api://AzureADTokenExchange',
    cloud: 'public',
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com',
    logTypes: [
      'interactive-sign-ins',
      'service-principal-sign-ins',
      'managed-identity-sign-ins',
      'audit-logs',
      'provisioning-logs'
    ],
    window: WINDOW,
    align: 'hour',
    filter: '',
    formats: { csv: true, jsonl: false },
    columns: 'default',
    outputDir: '/tmp/entra-logs',
    upload: true,
    artifactName: 'entra-logs',
    compressionLevel: 6,
    rateLimit: 5,
    maxConcurrency: 4,
    pageSize: 1000,
    escapeFormulas: true,
    maxRowsPerFile: 1_000_000,
    csvBom: true,
    incremental: false,
    stateKey: '',
    overlapMs: 2 * 3_600_000,
    ...overrides
  }
}

type Rec = Record<string, unknown>

interface SignInSpec {
  at: string
  sp?: string
  appId?: string
  app?: string
  cred?: string
  code?: number
  reason?: string
  country?: string
}

let nextId = 0
function signIn(eventType: string, s: SignInSpec): Rec {
  return {
    id: `si-${++nextId}`,
    createdDateTime: s.at,
    appId: s.appId ?? null,
    appDisplayName: s.app ?? s.sp ?? null,
    servicePrincipalName: s.sp ?? null,
    servicePrincipalId: s.sp ? `sp-${s.appId}` : '',
    clientCredentialType: s.cred ?? 'none',
    signInEventTypes: [eventType],
    status: { errorCode: s.code ?? 0, failureReason: s.reason ?? null, additionalDetails: null },
    // Graph omits location for some workload sign-ins; one record below has none.
    location:
      s.country === undefined
        ? null
        : { city: 'X', state: 'Y', countryOrRegion: s.country, geoCoordinates: {} }
  }
}

export const R1 = 'Invalid client secret provided.'
export const R2 = 'Client assertion is not within its valid time range.'
export const R3 = 'Account is locked, "too many" attempts,\r\nretry later'
const day = (time: string): string => `2026-10-05T${time}Z`

/** 8 sign-ins: Payroll Sync 4 (3 failed), IMG 2, PIPE 1 (failed), BOLD 1. */
export const SERVICE_PRINCIPAL_SIGN_INS: Rec[] = [
  ['00:10:00', 'Payroll Sync', 'a1', 'clientSecret', 0, undefined, 'US'],
  ['00:20:00', 'Payroll Sync', 'a1', 'clientSecret', 7000215, R1, 'US'],
  ['01:05:00.1234567', 'Payroll Sync', 'a1', 'clientSecret', 7000215, R1, 'DE'],
  ['01:30:00', 'Payroll Sync', 'a1', 'certificate', 700024, R2, 'US'],
  ['02:00:00', IMG, 'a2', 'certificate', 0, undefined, 'US'],
  ['02:15:00', IMG, 'a2', 'federatedIdentityCredential', 0, undefined, 'GB'],
  ['05:00:00', PIPE, 'a3', 'federatedIdentityCredential', 50053, R3, 'NL'],
  ['23:59:59', BOLD, 'a4', 'clientSecret', 0, undefined, undefined]
].map(([at, sp, appId, cred, code, reason, country]) =>
  signIn('servicePrincipal', {
    at: day(at as string),
    sp: sp as string,
    appId: appId as string,
    cred: cred as string,
    code: code as number,
    reason: reason as string | undefined,
    country: country as string | undefined
  })
)

export const MANAGED_IDENTITY_SIGN_INS: Rec[] = [
  signIn('managedIdentity', { at: day('03:00:00'), sp: 'vm-backup', appId: 'm1', cred: 'managedIdentity', country: 'US' }),
  signIn('managedIdentity', { at: day('03:30:00'), sp: 'vm-backup', appId: 'm1', cred: 'managedIdentity', country: 'US' })
] // prettier-ignore

const BAD_PASSWORD = 'Error validating credentials due to invalid username or password.'
const BLOCKED = 'Access has been blocked by Conditional Access policies.'
export const INTERACTIVE_SIGN_INS: Rec[] = [
  signIn('interactiveUser', { at: day('08:00:00'), app: 'Microsoft Teams', country: 'US' }),
  signIn('interactiveUser', { at: day('08:01:00'), app: 'Microsoft Teams', code: 50126, reason: BAD_PASSWORD, country: 'US' }),
  signIn('interactiveUser', { at: day('09:00:00'), app: 'Azure Portal', code: 50126, reason: BAD_PASSWORD, country: 'FR' }),
  signIn('interactiveUser', { at: day('09:10:00'), app: 'Azure Portal', code: 53003, reason: BLOCKED, country: 'US' }),
  signIn('interactiveUser', { at: day('10:00:00'), app: 'Microsoft Teams', country: 'US' })
] // prettier-ignore
export { BAD_PASSWORD, BLOCKED }

function audit(
  at: string,
  activity: string,
  by: { upn?: string; app?: string },
  result: string
): Rec {
  return {
    id: `Directory_${++nextId}`,
    activityDateTime: day(at),
    activityDisplayName: activity,
    category: 'UserManagement',
    result,
    resultReason: '',
    initiatedBy: {
      user: by.upn
        ? { id: 'u', displayName: 'x', userPrincipalName: by.upn, ipAddress: '10.0.0.1' }
        : null,
      app: by.app
        ? { appId: 'a', displayName: by.app, servicePrincipalId: 's', servicePrincipalName: by.app }
        : null
    },
    targetResources: []
  }
}

export const IMG_UPN = `${IMG}@contoso.com`
export const BOLD_IT = '**bold** _it_'
export const AUDIT_LOGS: Rec[] = [
  audit('12:00:00', 'Update user', { upn: 'admin@contoso.com' }, 'success'),
  audit('12:05:00', 'Update user', { upn: 'admin@contoso.com' }, 'failure'),
  audit('12:10:00', 'Add member to group', { app: BOLD_IT }, 'success'),
  audit('13:00:00', 'Update user', { app: BOLD_IT }, 'success'),
  audit('13:10:00', 'Consent to application', { upn: IMG_UPN }, 'failure'),
  audit('14:00:00', 'Add member to group', { upn: 'eve@contoso.com' }, 'timeout')
]

function provisioning(at: string, action: string, status: string): Rec {
  return {
    id: `Prov_${++nextId}`,
    activityDateTime: day(at),
    provisioningAction: action,
    servicePrincipal: { id: 's', displayName: 'Salesforce' },
    provisioningStatusInfo: { status, errorInformation: null }
  }
}

export const PROVISIONING_LOGS: Rec[] = [
  provisioning('15:00:00', 'create', 'success'),
  provisioning('15:10:00', 'create', 'failure'),
  provisioning('16:00:00', 'update', 'success'),
  provisioning('16:30:00', 'delete', 'skipped')
]

export const DATASET: [LogTypeName, Rec[]][] = [
  ['interactive-sign-ins', INTERACTIVE_SIGN_INS],
  ['service-principal-sign-ins', SERVICE_PRINCIPAL_SIGN_INS],
  ['managed-identity-sign-ins', MANAGED_IDENTITY_SIGN_INS],
  ['audit-logs', AUDIT_LOGS],
  ['provisioning-logs', PROVISIONING_LOGS]
]

export function logTypeResult(
  logType: LogTypeName,
  rows: number,
  overrides: Partial<LogTypeResult> = {}
): LogTypeResult {
  return {
    logType,
    title: LOG_TYPE_SPECS[logType].title,
    status: 'ok',
    request: { url: '', filter: '' },
    rows,
    duplicatesDropped: 0,
    drops: { outOfWindow: 0, refetched: 0, untimed: 0 },
    counters: { requests: 2, pages: 2, retries: 0, throttled: 0, throttledWaitMs: 0, faults: {} },
    chains: 1,
    chainRestarts: 0,
    files: [
      {
        path: `/tmp/entra-logs/${logType}.csv`,
        format: 'csv',
        rows,
        bytes: 1536 * rows,
        sha256: 'x'
      }
    ],
    truncatedCells: 0,
    unknownFields: [],
    durationMs: 1000,
    rememberedIds: [],
    ...overrides
  }
}

export function exportResult(
  logTypes: LogTypeResult[],
  durationMs = 12_000,
  throttledWaitMs = 0
): ExportResult {
  return {
    logTypes,
    pacer: {
      requests: 10,
      throttled: 0,
      throttledWaitMs,
      queuedWaitMs: 0,
      maxInFlight: 2,
      effectiveRate: 5
    },
    durationMs
  }
}
