/**
 * Records for the output tests: every catalogued field filled, with strings
 * chosen to break naive CSV writers and spreadsheets.
 */
import {
  AUDIT_FIELDS,
  PROVISIONING_FIELDS,
  SIGN_IN_FIELDS,
  SP_ACTIVITY_FIELDS,
  type Field
} from '../../src/output/columns-schema.js'

export const HOSTILE = [
  'comma, inside',
  'quote " inside',
  '"starts with quote',
  'line\nbreak',
  'crlf\r\nend',
  'ends with cr\r',
  '\ttab first',
  '=HYPERLINK("http://x","y")',
  '+1+2',
  '-2+3',
  '@SUM(A1)',
  'emoji 😀 ünïcödé 中文 עברית',
  ' leading and trailing space ',
  'semi; colon',
  'backslash \\ and \u2028 separator',
  '2026-10-05T10:00:00Z'
]

/** An object with every leaf of `fields` set, cycling through HOSTILE strings. */
export function fillFields(fields: readonly Field[], counter = { n: 0 }): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (typeof field === 'string') {
      out[field] = HOSTILE[counter.n++ % HOSTILE.length]
    } else {
      out[field[0]] = fillFields(field[1], counter)
    }
  }
  return out
}

export function fullSignIn(): Record<string, unknown> {
  const record = fillFields(SIGN_IN_FIELDS)
  return {
    ...record,
    '@odata.type': '#microsoft.graph.signIn',
    id: 'sign-in-1',
    createdDateTime: '2026-10-05T10:00:00Z',
    isInteractive: false,
    flaggedForReview: true,
    processingTimeInMilliseconds: 0,
    autonomousSystemNumber: -1,
    signInEventTypes: ['interactiveUser', 'nonInteractiveUser'],
    authenticationMethodsUsed: ['=cmd', 'Password'],
    riskEventTypes_v2: [],
    appliedConditionalAccessPolicies: [
      {
        id: 'p1',
        displayName: 'Require MFA, "all"',
        result: 'success',
        enforcedGrantControls: ['Mfa']
      }
    ],
    status: {
      errorCode: 50126,
      failureReason: 'Invalid "password"\r\nretry',
      additionalDetails: null
    },
    location: {
      city: 'Zürich',
      state: null,
      countryOrRegion: 'CH',
      geoCoordinates: { latitude: -33.5, longitude: 151.2, altitude: null }
    }
  }
}

export function fullAudit(): Record<string, unknown> {
  return {
    ...fillFields(AUDIT_FIELDS),
    id: 'audit-1',
    activityDateTime: '2026-10-05T10:00:01Z',
    additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0, "x"' }],
    initiatedBy: {
      user: null,
      app: {
        appId: 'app-1',
        displayName: '=Evil App',
        servicePrincipalId: 'sp-1',
        servicePrincipalName: 'Evil'
      }
    },
    targetResources: [
      {
        id: 't1',
        displayName: 'Alice, "A"',
        type: 'User',
        userPrincipalName: 'alice@contoso.com',
        groupType: null,
        modifiedProperties: [
          { displayName: 'DisplayName', oldValue: '["Alice"]', newValue: '["Alice, \\"A\\""]' },
          { displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' }
        ]
      },
      { id: 't2', displayName: 'Group\nOne', type: 'Group', modifiedProperties: [] }
    ]
  }
}

export function fullProvisioning(): Record<string, unknown> {
  return {
    ...fillFields(PROVISIONING_FIELDS),
    id: 'prov-1',
    durationInMilliseconds: 1024,
    modifiedProperties: [{ displayName: 'mail', oldValue: null, newValue: 'a@b.c' }],
    provisioningSteps: [{ name: 'EntryImport', status: 'success', details: { a: 'b' } }],
    servicePrincipal: { id: 'sp-9', displayName: 'AWS' }
  }
}

export function fullActivity(): Record<string, unknown> {
  return { ...fillFields(SP_ACTIVITY_FIELDS), id: 'spa-1' }
}
