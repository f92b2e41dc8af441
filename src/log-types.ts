import type { Cloud, LogTypeName } from './settings.js'

/**
 * One catalogue of what each log type is on Graph: where it lives, which version,
 * which field the time window applies to, and what it needs. Columns live in
 * output/columns.ts. Every fact here rests on Microsoft's API reference
 * (microsoftgraph/microsoft-graph-docs-contrib, cited per log type below).
 */
export interface LogTypeSpec {
  name: LogTypeName
  /** Human title for logs and the summary. */
  title: string
  version: 'v1.0' | 'beta'
  /** Why this version (and not the other) is called. */
  versionReason: string
  /** Path under the version segment, e.g. /auditLogs/signIns. */
  path: string
  /** Field the window filters on; undefined means the endpoint is not time-windowed. */
  timeField?: 'createdDateTime' | 'activityDateTime'
  /**
   * The comparison operators the API reference documents on the time field, as
   * the lower and upper bound of [start, end) are written. Graph timestamps have
   * 100 ns ticks, so `ge start` = `gt start - 1 tick` and `lt end` = `le end - 1 tick`.
   */
  timeOperators?: { lower: 'ge' | 'gt'; upper: 'le' | 'lt' }
  /**
   * Newest first by time: documented as the default order (sign-ins), or asked for
   * with $orderby (the value to send). Either way the chain checks what arrives.
   */
  order?: { documentedDefault: true } | { orderBy: string }
  /** signInEventTypes value for beta sign-in queries (without it Graph returns interactive only). */
  eventType?: 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity'
  /** Least-privileged application permissions the API reference lists (all are needed). */
  permissions: readonly string[]
  /** The same, for messages: "AuditLog.Read.All and Directory.Read.All". */
  permission: string
  /** Licence the tenant needs, for error messages. */
  licence: string
  /** Clouds where the endpoint exists for this version; elsewhere the log type fails with a clear message. */
  clouds: readonly Cloud[]
  /** The API reference page the facts above come from. */
  docs: string
}

/** The national-cloud table `includes/global-us.md`: global, US Gov L4 and L5 (DoD); not China (21Vianet). */
const GLOBAL_US: readonly Cloud[] = ['public', 'usgov', 'usgov-dod']
/** The national-cloud table `includes/global-only.md`. */
const GLOBAL_ONLY: readonly Cloud[] = ['public']
const SIGN_IN_LICENCE = 'Microsoft Entra ID P1 or P2'
/**
 * signIns, directoryAudits and provisioning list `AuditLog.Read.All and
 * Directory.Read.All` as least privileged (and a known issue makes the licence
 * check need both).
 */
const REPORT_PERMISSIONS = ['AuditLog.Read.All', 'Directory.Read.All'] as const

function signIns(
  name: LogTypeName,
  title: string,
  eventType: NonNullable<LogTypeSpec['eventType']>
): LogTypeSpec {
  return {
    name,
    title,
    version: 'beta',
    versionReason:
      'v1.0 returns interactive user sign-ins only and has no signInEventTypes to ask for the other kinds; beta declares agent, clientSessionId and more.',
    path: '/auditLogs/signIns',
    timeField: 'createdDateTime',
    // api-reference/beta/api/signin-list.md: createdDateTime supports eq, le, ge;
    // "The collection of objects is listed in descending order based on createdDateTime".
    timeOperators: { lower: 'ge', upper: 'le' },
    order: { documentedDefault: true },
    eventType,
    permissions: REPORT_PERMISSIONS,
    permission: REPORT_PERMISSIONS.join(' and '),
    licence: SIGN_IN_LICENCE,
    // Global, US Gov L4 and L5; not China, where sign-ins through Graph have answered 404.
    // Open question: the rendered v1.0 List signIns page has shown a global-only table;
    // the beta page's table could not be read from the stored docs, so US Gov is not refused
    // up front (a 400 "Resource not found for the segment" still gets a clear message).
    clouds: GLOBAL_US,
    docs: 'api-reference/beta/api/signin-list.md'
  }
}

export const LOG_TYPE_SPECS: Record<LogTypeName, LogTypeSpec> = {
  'interactive-sign-ins': signIns(
    'interactive-sign-ins',
    'Interactive user sign-ins',
    'interactiveUser'
  ),
  'non-interactive-sign-ins': signIns(
    'non-interactive-sign-ins',
    'Non-interactive user sign-ins',
    'nonInteractiveUser'
  ),
  'service-principal-sign-ins': signIns(
    'service-principal-sign-ins',
    'Service principal sign-ins',
    'servicePrincipal'
  ),
  'managed-identity-sign-ins': signIns(
    'managed-identity-sign-ins',
    'Managed identity sign-ins',
    'managedIdentity'
  ),
  'audit-logs': {
    name: 'audit-logs',
    title: 'Directory audit logs',
    version: 'v1.0',
    versionReason:
      'the generally available contract: beta adds only preview properties (e.g. initiatedBy.user.homeTenantId) that may change without notice.',
    path: '/auditLogs/directoryAudits',
    timeField: 'activityDateTime',
    // api-reference/v1.0/api/directoryaudit-list.md: "$filter (eq, ge, le, startswith), $top, $orderby".
    timeOperators: { lower: 'ge', upper: 'le' },
    order: { orderBy: 'activityDateTime desc' },
    permissions: REPORT_PERMISSIONS,
    permission: REPORT_PERMISSIONS.join(' and '),
    licence: 'any Microsoft Entra ID edition',
    clouds: GLOBAL_US,
    docs: 'api-reference/v1.0/api/directoryaudit-list.md'
  },
  'provisioning-logs': {
    name: 'provisioning-logs',
    title: 'Provisioning logs',
    version: 'v1.0',
    versionReason:
      'the generally available contract: v1.0 declares every provisioning property the export needs.',
    path: '/auditLogs/provisioning',
    timeField: 'activityDateTime',
    // api-reference/v1.0/api/provisioningobjectsummary-list.md: "$filter (eq, contains, gt, lt), $orderby, $top".
    timeOperators: { lower: 'gt', upper: 'lt' },
    order: { orderBy: 'activityDateTime desc' },
    permissions: REPORT_PERMISSIONS,
    permission: REPORT_PERMISSIONS.join(' and '),
    licence: SIGN_IN_LICENCE,
    clouds: GLOBAL_US,
    docs: 'api-reference/v1.0/api/provisioningobjectsummary-list.md'
  },
  'service-principal-activity': {
    name: 'service-principal-activity',
    title: 'Service principal sign-in activity',
    version: 'beta',
    versionReason: 'the report exists in beta only.',
    path: '/reports/servicePrincipalSignInActivities',
    // api-reference/beta/api/reportroot-list-serviceprincipalsigninactivities.md lists
    // "AuditLog.Read.All, Directory.Read.All" (either one); AuditLog.Read.All is the narrower.
    permissions: ['AuditLog.Read.All'],
    permission: 'AuditLog.Read.All',
    licence: SIGN_IN_LICENCE,
    clouds: GLOBAL_ONLY,
    docs: 'api-reference/beta/api/reportroot-list-serviceprincipalsigninactivities.md'
  }
}
