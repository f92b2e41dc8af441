import { LOG_TYPES } from '../../src/settings.js'
import { columnsFor, knownFields } from '../../src/output/columns.js'
import { decodeValue } from '../../src/output/columns-projections.js'
import { fullAudit, fullProvisioning } from './sample-records.js'

const names = (logType: (typeof LOG_TYPES)[number], set: 'default' | 'all'): string[] =>
  columnsFor(logType, set).map(c => c.name)
const value = (logType: (typeof LOG_TYPES)[number], set: 'default' | 'all', name: string) => {
  const column = columnsFor(logType, set).find(c => c.name === name)
  if (!column) throw new Error(`no column ${name}`)
  return (record: Record<string, unknown>) => column.get(record)
}

describe('column catalogue', () => {
  it('gives all four sign-in log types the documented default set', () => {
    const expected = [
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
    for (const t of LOG_TYPES.filter(t => t.endsWith('sign-ins'))) {
      expect(names(t, 'default')).toEqual(expected)
    }
  })

  it('gives audit logs the documented default set', () => {
    expect(names('audit-logs', 'default')).toEqual([
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
    ])
  })

  it.each(LOG_TYPES)('%s: unique names, defaults contained in all', t => {
    const all = names(t, 'all')
    expect(new Set(all).size).toBe(all.length)
    for (const name of names(t, 'default')) expect(all).toContain(name)
    // Every top-level known field is represented by at least one column.
    for (const field of knownFields(t)) {
      if (field === 'alternateSignInName' || field === 'riskEventTypes') continue
      expect(all.some(n => n === field || n.startsWith(`${field}.`))).toBe(true)
    }
  })

  it('covers the beta signIn schema (60+ properties) flattened in document order', () => {
    const all = names('interactive-sign-ins', 'all')
    expect(knownFields('interactive-sign-ins').size).toBeGreaterThanOrEqual(60)
    expect(all.slice(0, 4)).toEqual([
      'agent.agentType',
      'agent.parentAppId',
      'appDisplayName',
      'appId'
    ])
    const lat = all.indexOf('location.geoCoordinates.latitude')
    expect(all.slice(lat - 2, lat + 3)).toEqual([
      'location.countryOrRegion',
      'location.geoCoordinates.altitude',
      'location.geoCoordinates.latitude',
      'location.geoCoordinates.longitude',
      'location.state'
    ])
    expect(all).not.toContain('location')
    expect(all).toContain('status.errorCode')
  })

  it('knows top-level names only, including legacy sign-in fields', () => {
    const known = knownFields('interactive-sign-ins')
    expect(known.has('createdDateTime')).toBe(true)
    expect(known.has('location')).toBe(true)
    expect(known.has('riskEventTypes')).toBe(true)
    expect(known.has('location.city')).toBe(false)
    expect(knownFields('audit-logs').has('createdDateTime')).toBe(false)
  })

  it('returns a copy that callers cannot use to change later headers', () => {
    const first = columnsFor('audit-logs', 'default')
    first.reverse()
    expect(names('audit-logs', 'default')[0]).toBe('id')
  })
})

describe('audit projections', () => {
  it('derives initiatedBy from the user UPN, else the app name', () => {
    const get = value('audit-logs', 'default', 'initiatedBy')
    expect(get(fullAudit())).toBe('=Evil App')
    expect(
      get({ initiatedBy: { user: { userPrincipalName: 'bob@contoso.com' }, app: null } })
    ).toBe('bob@contoso.com')
    expect(get({ initiatedBy: null })).toBeUndefined()
  })

  it('lists target names and aligned ids', () => {
    const record = fullAudit()
    expect(value('audit-logs', 'all', 'targetResources')(record)).toEqual([
      'Alice, "A"',
      'Group\nOne'
    ])
    expect(value('audit-logs', 'all', 'targetResources.id')(record)).toEqual(['t1', 't2'])
    expect(value('audit-logs', 'all', 'targetResources.groupType')(record)).toEqual([
      null,
      undefined
    ])
  })

  it('summarises modified properties with decoded values', () => {
    expect(value('audit-logs', 'all', 'modifiedProperties')(fullAudit())).toBe(
      'DisplayName: Alice -> Alice, "A"; AccountEnabled: true -> false'
    )
    expect(value('provisioning-logs', 'default', 'modifiedProperties')(fullProvisioning())).toBe(
      'mail:  -> a@b.c'
    )
  })

  it('decodes JSON-encoded old/new values and keeps anything else', () => {
    expect(decodeValue('"foo"')).toBe('foo')
    expect(decodeValue('["a","b"]')).toBe('a, b')
    expect(decodeValue('[]')).toBe('')
    expect(decodeValue('{"k":1}')).toBe('{"k":1}')
    expect(decodeValue('[not json')).toBe('[not json')
    expect(decodeValue('plain')).toBe('plain')
    expect(decodeValue(null)).toBe('')
  })

  it('reads servicePrincipal whether Graph sends an object or a collection', () => {
    const get = value('provisioning-logs', 'default', 'servicePrincipal.id')
    expect(get({ servicePrincipal: { id: 'a' } })).toBe('a')
    expect(get({ servicePrincipal: [{ id: 'a' }, { id: 'b' }] })).toEqual(['a', 'b'])
    expect(get({})).toBeUndefined()
  })
})
