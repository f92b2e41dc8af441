/**
 * Builds one record of each Graph shape from a per-record PRNG. Shapes follow the
 * Graph reference (beta signIn, directoryAudit, provisioningObjectSummary,
 * servicePrincipalSignInActivity), trimmed to the fields exporters actually meet.
 */
import type { LogTypeName } from '../../src/settings.js'
import { type Directory, HOSTILE_NAMES, PLACES } from './directory.js'
import { guid, int, ipv4, ipv6, pick, type Rng, token } from './random.js'

export type GraphRecord = Record<string, unknown> & { id: string }

type EventType = 'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity'

const FAILURES: readonly { code: number; reason: string }[] = [
  { code: 50126, reason: 'Error validating credentials due to invalid username or password.' },
  { code: 50074, reason: 'Strong Authentication is required.' },
  {
    code: 53003,
    reason:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'
  },
  {
    code: 7000215,
    reason:
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'."
  },
  { code: 700024, reason: 'Client assertion is not within its valid time range.' },
  { code: 50053, reason: 'Account is locked, "too many" attempts,\r\nretry later' }
]

const CLIENT_APPS = [
  'Browser',
  'Mobile Apps and Desktop clients',
  'Exchange ActiveSync',
  'Other clients'
]
const BROWSERS = ['Edge 128.0.0', 'Chrome 129.0.0', 'Firefox 131.0', 'Safari 18.0']
const OSES = ['Windows10', 'MacOs', 'Ios', 'Android', 'Linux']

function status(rng: Rng, appId: string): Record<string, unknown> {
  if (rng() < 0.85) return { errorCode: 0, failureReason: null, additionalDetails: null }
  const f = pick(rng, FAILURES)
  const hostile = rng() < 0.3 ? ` ${pick(rng, HOSTILE_NAMES)}` : ''
  return {
    errorCode: f.code,
    failureReason: f.reason.replace('{app}', appId) + hostile,
    additionalDetails: rng() < 0.5 ? 'MFA requirement satisfied by claim, in the token' : null
  }
}

export function signIn(
  rng: Rng,
  dir: Directory,
  eventType: EventType,
  createdDateTime: string
): GraphRecord {
  const id = guid(rng)
  const place = pick(rng, PLACES)
  const resource = pick(rng, dir.resources)
  const isUser = eventType === 'interactiveUser' || eventType === 'nonInteractiveUser'
  const mi = eventType === 'managedIdentity' ? pick(rng, dir.managedIdentities) : undefined
  const app = mi ?? pick(rng, dir.apps)
  const user = isUser ? pick(rng, dir.users) : undefined
  const credentialType = mi
    ? 'managedIdentity'
    : isUser
      ? null
      : pick(rng, ['clientSecret', 'certificate', 'federatedIdentityCredential', 'clientAssertion'])
  const st = status(rng, app.appId)
  const policies = dir.policies.map(p => ({
    id: p.id,
    displayName: p.displayName,
    enforcedGrantControls: rng() < 0.5 ? ['Mfa'] : [],
    enforcedSessionControls: [],
    result: pick(rng, ['success', 'notApplied', 'notEnabled', 'failure'])
  }))
  return {
    id,
    createdDateTime,
    userDisplayName: user?.displayName ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    userId: user?.id ?? '00000000-0000-0000-0000-000000000000',
    userType: user ? (rng() < 0.9 ? 'member' : 'guest') : null,
    appId: app.appId,
    appDisplayName: app.displayName,
    ipAddress: rng() < 0.8 ? ipv4(rng) : ipv6(rng),
    clientAppUsed: isUser ? pick(rng, CLIENT_APPS) : null,
    correlationId: guid(rng),
    conditionalAccessStatus: pick(rng, ['success', 'notApplied', 'failure']),
    isInteractive: eventType === 'interactiveUser',
    signInEventTypes: [eventType],
    resourceDisplayName: resource.displayName,
    resourceId: resource.appId,
    resourceServicePrincipalId: resource.servicePrincipalId,
    resourceTenantId: dir.tenantId,
    homeTenantId: dir.tenantId,
    servicePrincipalId: isUser ? '' : app.servicePrincipalId,
    servicePrincipalName: isUser ? null : app.servicePrincipalName,
    clientCredentialType: credentialType ?? 'none',
    servicePrincipalCredentialKeyId: credentialType === 'clientSecret' ? guid(rng) : null,
    servicePrincipalCredentialThumbprint: credentialType === 'certificate' ? token(rng, 40) : '',
    federatedCredentialId: credentialType === 'federatedIdentityCredential' ? guid(rng) : null,
    managedServiceIdentity: {
      msiType: mi?.msiType ?? 'none',
      associatedResourceId: mi?.associatedResourceId ?? null,
      federatedTokenId: null,
      federatedTokenIssuer: null
    },
    azureResourceId: mi?.associatedResourceId ?? null,
    status: st,
    location: {
      city: place.city,
      state: place.state,
      countryOrRegion: place.countryOrRegion,
      geoCoordinates: { latitude: place.latitude, longitude: place.longitude, altitude: null }
    },
    deviceDetail: {
      deviceId: rng() < 0.5 ? guid(rng) : '',
      displayName: user && rng() < 0.3 ? `${user.displayName}'s laptop` : null,
      operatingSystem: pick(rng, OSES),
      browser: user ? pick(rng, BROWSERS) : null,
      isCompliant: rng() < 0.7,
      isManaged: rng() < 0.7,
      trustType: pick(rng, ['Azure AD joined', 'Hybrid Azure AD joined', ''])
    },
    appliedConditionalAccessPolicies: policies,
    authenticationDetails: user
      ? [
          {
            authenticationStepDateTime: createdDateTime,
            authenticationMethod: pick(rng, [
              'Password',
              'Mobile app notification',
              'FIDO2 security key'
            ]),
            authenticationMethodDetail: null,
            succeeded: st.errorCode === 0,
            authenticationStepResultDetail:
              st.errorCode === 0 ? 'MFA successfully completed' : st.failureReason,
            authenticationStepRequirement: 'Primary authentication'
          }
        ]
      : [],
    authenticationProcessingDetails: [{ key: 'Root Key Type', value: 'Unknown' }],
    networkLocationDetails:
      rng() < 0.3 ? [{ networkType: 'namedNetwork', networkNames: ['HQ, "Main"'] }] : [],
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    userAgent: user ? `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${pick(rng, BROWSERS)}` : '',
    uniqueTokenIdentifier: token(rng, 22),
    tokenIssuerType: 'AzureAD',
    authenticationRequirement: user ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    mfaDetail: user && rng() < 0.5 ? { authMethod: 'PhoneAppNotification', authDetail: null } : null
  }
}

const ACTIVITIES = [
  { name: 'Update user', category: 'UserManagement', type: 'Update', service: 'Core Directory' },
  { name: 'Add member to group', category: 'GroupManagement', type: 'Assign', service: 'Core Directory' },
  { name: 'Add service principal credentials', category: 'ApplicationManagement', type: 'Update', service: 'Core Directory' },
  { name: 'Reset password (self-service)', category: 'UserManagement', type: 'Update', service: 'Self-service Password Management' },
  { name: 'Consent to application', category: 'ApplicationManagement', type: 'Assign', service: 'Core Directory' }
] // prettier-ignore

export function directoryAudit(rng: Rng, dir: Directory, activityDateTime: string): GraphRecord {
  const act = pick(rng, ACTIVITIES)
  const byApp = rng() < 0.3
  const user = pick(rng, dir.users)
  const app = pick(rng, dir.apps)
  const target = pick(rng, dir.users)
  const failed = rng() < 0.1
  const oldName = pick(rng, dir.users).displayName
  return {
    id: `Directory_${guid(rng)}_${token(rng, 5)}_${int(rng, 10000000, 99999999)}`,
    category: act.category,
    correlationId: guid(rng),
    result: failed ? 'failure' : 'success',
    resultReason: failed
      ? pick(rng, [
          'Microsoft.Online.DirectoryServices.AuthorizationException',
          'Insufficient privileges, "denied"'
        ])
      : '',
    activityDisplayName: act.name,
    activityDateTime,
    loggedByService: act.service,
    operationType: act.type,
    initiatedBy: {
      user: byApp
        ? null
        : {
            id: user.id,
            displayName: user.displayName,
            userPrincipalName: user.userPrincipalName,
            ipAddress: ipv4(rng),
            userType: null,
            homeTenantId: null,
            homeTenantName: null
          },
      app: byApp
        ? {
            appId: app.appId,
            displayName: app.displayName,
            servicePrincipalId: app.servicePrincipalId,
            servicePrincipalName: app.servicePrincipalName
          }
        : null
    },
    targetResources: [
      {
        id: target.id,
        displayName: target.displayName,
        type: 'User',
        userPrincipalName: target.userPrincipalName,
        groupType: null,
        modifiedProperties: [
          {
            displayName: 'DisplayName',
            oldValue: JSON.stringify([oldName]),
            newValue: JSON.stringify([target.displayName])
          },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: '"DisplayName"' }
        ]
      }
    ],
    additionalDetails: [
      { key: 'UserAgent', value: 'Mozilla/5.0, "quoted"' },
      { key: 'User-Agent', value: 'EvoSTS' }
    ]
  }
}

export function provisioning(rng: Rng, dir: Directory, activityDateTime: string): GraphRecord {
  const user = pick(rng, dir.users)
  const app = pick(rng, dir.apps)
  const failed = rng() < 0.15
  const action = pick(rng, ['create', 'update', 'delete', 'disable', 'other'])
  return {
    id: `KkhOrg_${token(rng, 8)}_${guid(rng)}`,
    activityDateTime,
    tenantId: dir.tenantId,
    jobId: `scim.${token(rng, 20)}.${token(rng, 20)}`,
    cycleId: guid(rng),
    changeId: guid(rng),
    provisioningAction: action,
    durationInMilliseconds: int(rng, 50, 20000),
    initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' },
    servicePrincipal: { id: app.servicePrincipalId, displayName: app.displayName },
    sourceIdentity: {
      id: user.id,
      displayName: user.displayName,
      identityType: 'User',
      details: null
    },
    targetIdentity: {
      id: token(rng, 12),
      displayName: user.userPrincipalName,
      identityType: 'urn:ietf:params:scim:schemas:core:2.0:User',
      details: null
    },
    sourceSystem: { id: guid(rng), displayName: 'Azure Active Directory', details: null },
    targetSystem: {
      id: guid(rng),
      displayName: app.displayName,
      details: { ApplicationId: app.appId }
    },
    provisioningStatusInfo: {
      status: failed ? 'failure' : 'success',
      errorInformation: failed
        ? {
            errorCode: 'SystemForCrossDomainIdentityManagementBadResponse',
            reason: `The SCIM endpoint said: "409 Conflict",\nuser ${user.displayName}`,
            additionalDetails: null,
            errorCategory: 'NonServiceFailure',
            recommendedAction: null
          }
        : null
    },
    provisioningSteps: [
      {
        name: 'EntryImport',
        provisioningStepType: 'import',
        status: 'success',
        description: `Retrieved ${user.userPrincipalName} from Azure Active Directory`,
        details: {}
      },
      {
        name: 'EntryExportUpdate',
        provisioningStepType: 'export',
        status: failed ? 'failure' : 'success',
        description: 'Exported, with "quotes"',
        details: {}
      }
    ],
    modifiedProperties: [{ displayName: 'displayName', oldValue: null, newValue: user.displayName }]
  }
}

export function servicePrincipalActivity(
  rng: Rng,
  app: { appId: string },
  lastSignIn: string
): GraphRecord {
  const act = (t: string | null) => ({
    lastSignInDateTime: t,
    lastSignInRequestId: t ? guid(rng) : null
  })
  return {
    id: Buffer.from(app.appId).toString('base64'),
    appId: app.appId,
    lastSignInActivity: act(lastSignIn),
    delegatedClientSignInActivity: act(rng() < 0.3 ? lastSignIn : null),
    delegatedResourceSignInActivity: act(null),
    applicationAuthenticationClientSignInActivity: act(lastSignIn),
    applicationAuthenticationResourceSignInActivity: act(rng() < 0.5 ? lastSignIn : null)
  }
}

export const EVENT_TYPE_OF: Partial<Record<LogTypeName, EventType>> = {
  'interactive-sign-ins': 'interactiveUser',
  'non-interactive-sign-ins': 'nonInteractiveUser',
  'service-principal-sign-ins': 'servicePrincipal',
  'managed-identity-sign-ins': 'managedIdentity'
}
