/**
 * The documented shape of each Graph record, in the order of the property
 * tables of the Microsoft Graph reference. `columns: all` flattens these, so the
 * CSV header depends only on this file, never on which records arrived.
 *
 * A string is a leaf (scalar, array, or open type such as detailsInfo, written
 * as one cell); a pair [name, children] is a complex type flattened to dotted
 * paths. Collections of complex types stay leaves (one JSON cell), except where
 * columns.ts adds readable projections.
 */

export type Field = string | readonly [string, readonly Field[]]

/** signInActivity (beta): the last sign-in, the last non-interactive one and the last successful one. */
const SIGN_IN_ACTIVITY: readonly Field[] = [
  'lastSignInDateTime',
  'lastSignInRequestId',
  'lastNonInteractiveSignInDateTime',
  'lastNonInteractiveSignInRequestId',
  'lastSuccessfulSignInDateTime',
  'lastSuccessfulSignInRequestId'
]

/**
 * signIn (beta), checked against @microsoft/microsoft-graph-types-beta's SignIn by
 * __tests__/output/columns-graph-types.test.ts.
 * https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta
 * (microsoftgraph/microsoft-graph-docs-contrib api-reference/beta/resources/signin.md,
 * 2024-11 revision, plus appOwnerTenantId and tokenProtectionStatusDetails added in 2026).
 * Nested types: devicedetail.md, signinlocation.md + geocoordinates.md, managedidentity.md,
 * privatelinkdetails.md, authenticationappdevicedetails.md, signinstatus.md,
 * tokenprotectionstatusdetails.md, mfadetail.md.
 */
export const SIGN_IN_FIELDS: readonly Field[] = [
  // Agentic sign-ins (agentSignIn, namespace microsoft.graph.agentic).
  ['agent', ['agentType', 'parentAppId']],
  'appDisplayName',
  'appId',
  'appliedConditionalAccessPolicies',
  'appOwnerTenantId',
  'appliedEventListeners',
  'appTokenProtectionStatus',
  ['authenticationAppDeviceDetails', ['appVersion', 'clientApp', 'deviceId', 'operatingSystem']],
  'authenticationAppPolicyEvaluationDetails',
  'authenticationContextClassReferences',
  'authenticationDetails',
  'authenticationMethodsUsed',
  'authenticationProcessingDetails',
  'authenticationProtocol',
  'authenticationRequirement',
  'authenticationRequirementPolicies',
  'autonomousSystemNumber',
  'azureResourceId',
  'clientAppUsed',
  'clientCredentialType',
  'conditionalAccessAudiences',
  'conditionalAccessStatus',
  'correlationId',
  'createdDateTime',
  'crossTenantAccessType',
  [
    'deviceDetail',
    [
      'browser',
      'browserId',
      'deviceId',
      'displayName',
      'isCompliant',
      'isManaged',
      'operatingSystem',
      'trustType'
    ]
  ],
  'federatedCredentialId',
  'flaggedForReview',
  'globalSecureAccessIpAddress',
  'homeTenantId',
  'homeTenantName',
  'id',
  'incomingTokenType',
  'ipAddress',
  'ipAddressFromResourceProvider',
  'isInteractive',
  'isTenantRestricted',
  'isThroughGlobalSecureAccess',
  [
    'location',
    ['city', 'countryOrRegion', ['geoCoordinates', ['altitude', 'latitude', 'longitude']], 'state']
  ],
  [
    'managedServiceIdentity',
    ['msiType', 'associatedResourceId', 'federatedTokenId', 'federatedTokenIssuer']
  ],
  'networkLocationDetails',
  'originalRequestId',
  'originalTransferMethod',
  ['privateLinkDetails', ['policyId', 'policyName', 'policyTenantId', 'resourceId']],
  'processingTimeInMilliseconds',
  'resourceDisplayName',
  'resourceId',
  'resourceOwnerTenantId',
  'resourceServicePrincipalId',
  'resourceTenantId',
  'riskDetail',
  'riskEventTypes_v2',
  'riskLevelAggregated',
  'riskLevelDuringSignIn',
  'riskState',
  'servicePrincipalCredentialKeyId',
  'servicePrincipalCredentialThumbprint',
  'servicePrincipalId',
  'servicePrincipalName',
  'sessionLifetimePolicies',
  'signInEventTypes',
  'sessionId',
  'signInIdentifier',
  'signInIdentifierType',
  'signInTokenProtectionStatus',
  ['status', ['additionalDetails', 'errorCode', 'failureReason']],
  'tokenIssuerName',
  'tokenIssuerType',
  ['tokenProtectionStatusDetails', ['signInSessionStatus', 'signInSessionStatusCode']],
  'uniqueTokenIdentifier',
  'userAgent',
  'userDisplayName',
  'userId',
  'userPrincipalName',
  'userType',
  // Listed last in the reference as deprecated; still documented, so still exported.
  ['mfaDetail', ['authMethod', 'authDetail']]
]

/** Older signIn properties dropped from the reference that tenants may still send. */
export const SIGN_IN_LEGACY_FIELDS: readonly string[] = ['alternateSignInName', 'riskEventTypes']

/**
 * directoryAudit (v1.0), checked against @microsoft/microsoft-graph-types' DirectoryAudit.
 * v1.0's auditUserIdentity has no homeTenantId/homeTenantName (beta only), so
 * no column offers them.
 * https://learn.microsoft.com/graph/api/resources/directoryaudit?view=graph-rest-1.0
 * initiatedBy: auditactivityinitiator.md -> audituseridentity.md, appidentity.md.
 * targetResources: targetresource.md (modifiedProperties: modifiedproperty.md).
 */
export const AUDIT_FIELDS: readonly Field[] = [
  'activityDateTime',
  'activityDisplayName',
  'additionalDetails',
  'category',
  'correlationId',
  'id',
  [
    'initiatedBy',
    [
      ['user', ['displayName', 'id', 'ipAddress', 'userPrincipalName']],
      ['app', ['appId', 'displayName', 'servicePrincipalId', 'servicePrincipalName']]
    ]
  ],
  'loggedByService',
  'operationType',
  'result',
  'resultReason',
  [
    'targetResources',
    ['id', 'displayName', 'type', 'userPrincipalName', 'groupType', 'modifiedProperties']
  ]
]

const PROVISIONED_IDENTITY: readonly Field[] = ['details', 'displayName', 'id', 'identityType']
const PROVISIONING_SYSTEM: readonly Field[] = ['details', 'displayName', 'id']

/**
 * provisioningObjectSummary (v1.0), checked against @microsoft/microsoft-graph-types.
 * https://learn.microsoft.com/graph/api/resources/provisioningobjectsummary?view=graph-rest-1.0
 * Nested: initiator.md, provisioningserviceprincipal.md, provisionedidentity.md,
 * provisioningsystem.md, provisioningstatusinfo.md (errorInformation: provisioningerrorinfo.md).
 */
export const PROVISIONING_FIELDS: readonly Field[] = [
  'provisioningAction',
  'activityDateTime',
  'changeId',
  'cycleId',
  'durationInMilliseconds',
  'id',
  ['initiatedBy', ['displayName', 'id', 'initiatorType']],
  'jobId',
  'modifiedProperties',
  'provisioningSteps',
  ['servicePrincipal', ['displayName', 'id']],
  ['sourceIdentity', PROVISIONED_IDENTITY],
  ['sourceSystem', PROVISIONING_SYSTEM],
  [
    'provisioningStatusInfo',
    [
      'status',
      [
        'errorInformation',
        ['additionalDetails', 'errorCategory', 'errorCode', 'reason', 'recommendedAction']
      ]
    ]
  ],
  ['targetIdentity', PROVISIONED_IDENTITY],
  ['targetSystem', PROVISIONING_SYSTEM],
  'tenantId'
]

/**
 * servicePrincipalSignInActivity (beta), checked against @microsoft/microsoft-graph-types-beta.
 * https://learn.microsoft.com/graph/api/resources/serviceprincipalsigninactivity?view=graph-rest-beta
 * Each activity is a signInActivity (signinactivity.md).
 */
export const SP_ACTIVITY_FIELDS: readonly Field[] = [
  'appId',
  ['applicationAuthenticationClientSignInActivity', SIGN_IN_ACTIVITY],
  ['applicationAuthenticationResourceSignInActivity', SIGN_IN_ACTIVITY],
  ['delegatedClientSignInActivity', SIGN_IN_ACTIVITY],
  ['delegatedResourceSignInActivity', SIGN_IN_ACTIVITY],
  'id',
  ['lastSignInActivity', SIGN_IN_ACTIVITY]
]

/** Dotted leaf paths of a field list, in order. */
export function flattenFields(fields: readonly Field[], prefix = ''): string[] {
  const out: string[] = []
  for (const field of fields) {
    if (typeof field === 'string') {
      out.push(prefix + field)
    } else {
      out.push(...flattenFields(field[1], `${prefix}${field[0]}.`))
    }
  }
  return out
}

/** Top-level property names of a field list. */
export function topLevelNames(fields: readonly Field[]): string[] {
  return fields.map(f => (typeof f === 'string' ? f : f[0]))
}
