import type { Cloud, LogTypeName } from './settings.js'

/**
 * One catalogue of what each log type is on Graph: where it lives, which version,
 * which field the time window applies to, and what it needs. Columns live in
 * output/columns.ts.
 */
export interface LogTypeSpec {
  name: LogTypeName
  /** Human title for logs and the summary. */
  title: string
  version: 'v1.0' | 'beta'
  /** Path under the version segment, e.g. /auditLogs/signIns. */
  path: string
  /** Field the window filters on; undefined means the endpoint is not time-windowed. */
  timeField?: 'createdDateTime' | 'activityDateTime'
  /** signInEventTypes value for beta sign-in queries (without it Graph returns interactive only). */
  eventType?: 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity'
  /** Application permission the app registration needs. */
  permission: string
  /** Licence the tenant needs, for error messages. */
  licence: string
  /** Clouds where the endpoint exists; elsewhere the log type fails with a clear message. */
  clouds: readonly Cloud[]
}

const ALL_CLOUDS: readonly Cloud[] = ['public', 'usgov', 'usgov-dod', 'china']
const SIGN_IN_LICENCE = 'Microsoft Entra ID P1 or P2'

function signIns(
  name: LogTypeName,
  title: string,
  eventType: NonNullable<LogTypeSpec['eventType']>
): LogTypeSpec {
  return {
    name,
    title,
    version: 'beta',
    path: '/auditLogs/signIns',
    timeField: 'createdDateTime',
    eventType,
    permission: 'AuditLog.Read.All',
    licence: SIGN_IN_LICENCE,
    // Sign-ins through Graph have returned 404 in the China cloud.
    clouds: ['public', 'usgov', 'usgov-dod']
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
    path: '/auditLogs/directoryAudits',
    timeField: 'activityDateTime',
    permission: 'AuditLog.Read.All',
    licence: 'any Microsoft Entra ID edition',
    clouds: ALL_CLOUDS
  },
  'provisioning-logs': {
    name: 'provisioning-logs',
    title: 'Provisioning logs',
    version: 'v1.0',
    path: '/auditLogs/provisioning',
    timeField: 'activityDateTime',
    permission: 'AuditLog.Read.All',
    licence: SIGN_IN_LICENCE,
    clouds: ALL_CLOUDS
  },
  'service-principal-activity': {
    name: 'service-principal-activity',
    title: 'Service principal sign-in activity',
    version: 'beta',
    path: '/reports/servicePrincipalSignInActivities',
    permission: 'AuditLog.Read.All',
    licence: SIGN_IN_LICENCE,
    // Global cloud only.
    clouds: ['public']
  }
}
