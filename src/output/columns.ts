/**
 * Which CSV columns each log type gets. Column names are Graph property paths
 * (`status.errorCode`); a few names are readable projections (audit
 * `initiatedBy`, `targetResources`, `modifiedProperties`). Headers come from
 * this catalogue alone, so they are identical whatever records arrive.
 */
import type { ColumnSet, LogTypeName } from '../settings.js'
import {
  auditInitiator,
  auditModifiedProperties,
  pathGetter,
  provisioningModifiedProperties,
  targetResourceNames,
  type Getter
} from './columns-projections.js'
import type { GraphRecord } from '../records/graph-record.js'
import {
  AUDIT_FIELDS,
  PROVISIONING_FIELDS,
  SIGN_IN_FIELDS,
  SIGN_IN_LEGACY_FIELDS,
  SP_ACTIVITY_FIELDS,
  flattenFields,
  topLevelNames,
  type Field
} from './columns-schema.js'

export interface Column {
  name: string
  get(record: GraphRecord): unknown
}

interface Catalogue {
  /** Documented schema in reference order. */
  fields: readonly Field[]
  /** Top-level names Graph may still send although the reference dropped them. */
  legacy?: readonly string[]
  /** Columns computed from the record instead of read from one path, by column name. */
  projections?: Readonly<Record<string, Getter>>
  /**
   * For `all`: flattened paths to replace by other column names (a projection
   * standing in for raw data, or inserted beside it). [] drops the path.
   */
  replace?: Readonly<Record<string, readonly string[]>>
  defaults: readonly string[]
}

const SIGN_IN_DEFAULTS = [
  'id',
  'createdDateTime',
  'signInEventTypes',
  'appDisplayName',
  'appId',
  'userPrincipalName',
  'userId',
  'servicePrincipalId',
  'servicePrincipalName',
  'clientCredentialType',
  'servicePrincipalCredentialKeyId',
  'servicePrincipalCredentialThumbprint',
  'federatedCredentialId',
  'managedServiceIdentity.msiType',
  'managedServiceIdentity.associatedResourceId',
  'resourceDisplayName',
  'resourceId',
  'ipAddress',
  'location.countryOrRegion',
  'conditionalAccessStatus',
  'status.errorCode',
  'status.failureReason',
  'correlationId'
]

const SIGN_INS: Catalogue = {
  fields: SIGN_IN_FIELDS,
  legacy: SIGN_IN_LEGACY_FIELDS,
  defaults: SIGN_IN_DEFAULTS
}

const AUDIT: Catalogue = {
  fields: AUDIT_FIELDS,
  projections: {
    initiatedBy: auditInitiator,
    targetResources: targetResourceNames,
    modifiedProperties: auditModifiedProperties
  },
  replace: {
    // The one-cell "who" goes first, before the user/app details it summarises.
    'initiatedBy.user.displayName': ['initiatedBy', 'initiatedBy.user.displayName'],
    // `targetResources` (names) replaces targetResources.displayName; ids etc. stay aligned beside it.
    'targetResources.id': ['targetResources', 'targetResources.id'],
    'targetResources.displayName': [],
    'targetResources.modifiedProperties': ['modifiedProperties']
  },
  defaults: [
    'id',
    'activityDateTime',
    'category',
    'activityDisplayName',
    'operationType',
    'result',
    'resultReason',
    'loggedByService',
    'initiatedBy',
    'initiatedBy.user.userPrincipalName',
    'initiatedBy.app.displayName',
    'initiatedBy.app.servicePrincipalId',
    'targetResources',
    'correlationId'
  ]
}

const PROVISIONING: Catalogue = {
  fields: PROVISIONING_FIELDS,
  projections: { modifiedProperties: provisioningModifiedProperties },
  defaults: [
    'id',
    'activityDateTime',
    'jobId',
    'cycleId',
    'changeId',
    'provisioningAction',
    'provisioningStatusInfo.status',
    'provisioningStatusInfo.errorInformation.errorCode',
    'provisioningStatusInfo.errorInformation.reason',
    'servicePrincipal.displayName',
    'servicePrincipal.id',
    'sourceSystem.displayName',
    'targetSystem.displayName',
    'sourceIdentity.displayName',
    'sourceIdentity.id',
    'sourceIdentity.identityType',
    'targetIdentity.displayName',
    'targetIdentity.id',
    'initiatedBy.displayName',
    'durationInMilliseconds',
    'modifiedProperties'
  ]
}

const ACTIVITY_KINDS = [
  'lastSignInActivity',
  'delegatedClientSignInActivity',
  'delegatedResourceSignInActivity',
  'applicationAuthenticationClientSignInActivity',
  'applicationAuthenticationResourceSignInActivity'
]

const SP_ACTIVITY: Catalogue = {
  fields: SP_ACTIVITY_FIELDS,
  defaults: [
    'id',
    'appId',
    ...ACTIVITY_KINDS.flatMap(kind => [`${kind}.lastSignInDateTime`, `${kind}.lastSignInRequestId`])
  ]
}

const CATALOGUES: Record<LogTypeName, Catalogue> = {
  'interactive-sign-ins': SIGN_INS,
  'non-interactive-sign-ins': SIGN_INS,
  'service-principal-sign-ins': SIGN_INS,
  'managed-identity-sign-ins': SIGN_INS,
  'audit-logs': AUDIT,
  'provisioning-logs': PROVISIONING,
  'service-principal-activity': SP_ACTIVITY
}

function allNames(catalogue: Catalogue): string[] {
  const replace = catalogue.replace ?? {}
  return flattenFields(catalogue.fields).flatMap(path => replace[path] ?? [path])
}

function toColumn(catalogue: Catalogue, name: string): Column {
  const get = catalogue.projections?.[name] ?? pathGetter(name)
  return Object.freeze({ name, get })
}

const cache = new Map<string, readonly Column[]>()

export function columnsFor(logType: LogTypeName, set: ColumnSet): Column[] {
  const key = `${logType}:${set}`
  let columns = cache.get(key)
  if (!columns) {
    const catalogue = CATALOGUES[logType]
    const names = set === 'all' ? allNames(catalogue) : catalogue.defaults
    columns = names.map(name => toColumn(catalogue, name))
    cache.set(key, columns)
  }
  // A copy, so a caller reordering its list cannot change another log type's header.
  return [...columns]
}

const knownCache = new Map<LogTypeName, ReadonlySet<string>>()

/** Top-level property names the catalogue knows for a log type (to report fields Graph added that we do not catalogue). */
export function knownFields(logType: LogTypeName): ReadonlySet<string> {
  let known = knownCache.get(logType)
  if (!known) {
    const catalogue = CATALOGUES[logType]
    known = new Set([...topLevelNames(catalogue.fields), ...(catalogue.legacy ?? [])])
    knownCache.set(logType, known)
  }
  return known
}
