import { createFindings } from '../../src/findings/create-findings.js'
import type {
  AuditFindings,
  ProvisioningFindings,
  UserFindings,
  WorkloadFindings
} from '../../src/findings/types.js'
import { sparkline } from '../../src/publish/sparkline.js'
import { partialEdges } from '../../src/findings/timeline.js'
import {
  BAD_PASSWORD,
  BLOCKED,
  BOLD,
  BOLD_IT,
  DATASET,
  IMG,
  IMG_UPN,
  PIPE,
  R1,
  R2,
  R3,
  settingsFor
} from '../support/summary-fixtures.js'

function collect(settings = settingsFor()) {
  const findings = createFindings(settings)
  for (const [logType, records] of DATASET) for (const r of records) findings.observe(logType, r)
  return findings.result()
}

describe('createFindings on the hand-written tenant', () => {
  const f = collect()

  it('breaks down service-principal sign-ins', () => {
    const sp = f.logTypes['service-principal-sign-ins'] as WorkloadFindings
    expect(sp.kind).toBe('workload')
    expect(sp.records).toBe(8)
    expect(sp.failures).toBe(4)
    expect(sp.topPrincipals.entries).toEqual([
      { name: 'Payroll Sync', detail: 'a1', count: 4 },
      { name: IMG, detail: 'a2', count: 2 },
      // A tie orders by name: '*' sorts before '|'.
      { name: BOLD, detail: 'a4', count: 1 },
      { name: PIPE, detail: 'a3', count: 1 }
    ])
    expect(sp.topFailingPrincipals.entries).toEqual([
      {
        name: 'Payroll Sync',
        detail: 'a1',
        count: 3,
        reasons: [
          { name: R1, detail: '7000215', count: 2 },
          { name: R2, detail: '700024', count: 1 }
        ]
      },
      { name: PIPE, detail: 'a3', count: 1, reasons: [{ name: R3, detail: '50053', count: 1 }] }
    ])
    expect(sp.credentialTypes.entries).toEqual([
      { name: 'clientSecret', count: 4 },
      { name: 'certificate', count: 2 },
      { name: 'federatedIdentityCredential', count: 2 }
    ])
    expect(sp.clientSecretPrincipals.entries).toEqual([
      { name: 'Payroll Sync', detail: 'a1', count: 3 },
      { name: BOLD, detail: 'a4', count: 1 }
    ])
    expect(sp.countries.entries).toEqual([
      { name: 'US', count: 4 },
      { name: '(unknown)', count: 1 },
      { name: 'DE', count: 1 },
      { name: 'GB', count: 1 },
      { name: 'NL', count: 1 }
    ])
    expect(sp.countries).toMatchObject({ distinct: 5, otherRecords: 0, capped: false })
  })

  it('counts managed identities by credential type', () => {
    const mi = f.logTypes['managed-identity-sign-ins'] as WorkloadFindings
    expect(mi.credentialTypes.entries).toEqual([{ name: 'managedIdentity', count: 2 }])
    expect(mi.clientSecretPrincipals.entries).toEqual([])
    expect(mi.failures).toBe(0)
  })

  it('breaks down user sign-ins by failure reason and app', () => {
    const u = f.logTypes['interactive-sign-ins'] as UserFindings
    expect(u).toMatchObject({ kind: 'user', records: 5, failures: 3 })
    expect(u.failureReasons.entries).toEqual([
      { name: BAD_PASSWORD, detail: '50126', count: 2 },
      { name: BLOCKED, detail: '53003', count: 1 }
    ])
    expect(u.topApps.entries).toEqual([
      { name: 'Microsoft Teams', count: 3 },
      { name: 'Azure Portal', count: 2 }
    ])
  })

  it('breaks down audits by activity, initiator and failure', () => {
    const a = f.logTypes['audit-logs'] as AuditFindings
    expect(a).toMatchObject({ kind: 'audit', records: 6, failures: 3 })
    expect(a.topActivities.entries).toEqual([
      { name: 'Update user', count: 3 },
      { name: 'Add member to group', count: 2 },
      { name: 'Consent to application', count: 1 }
    ])
    expect(a.topInitiators.entries).toEqual([
      { name: BOLD_IT, detail: 'app', count: 2 },
      { name: 'admin@contoso.com', detail: 'user', count: 2 },
      { name: IMG_UPN, detail: 'user', count: 1 },
      { name: 'eve@contoso.com', detail: 'user', count: 1 }
    ])
    expect(a.failedActivities.entries).toEqual([
      { name: 'Add member to group', detail: 'timeout', count: 1 },
      { name: 'Consent to application', detail: 'failure', count: 1 },
      { name: 'Update user', detail: 'failure', count: 1 }
    ])
  })

  it('counts provisioning by status and action', () => {
    const p = f.logTypes['provisioning-logs'] as ProvisioningFindings
    expect(p).toMatchObject({ kind: 'provisioning', records: 4, failures: 1 })
    expect(p.statuses.entries).toEqual([
      { name: 'success', count: 2 },
      { name: 'failure', count: 1 },
      { name: 'skipped', count: 1 }
    ])
    expect(p.actions.entries).toEqual([
      { name: 'create', count: 2 },
      { name: 'delete', count: 1 },
      { name: 'update', count: 1 }
    ])
  })

  it('buckets activity per hour over a one-day window', () => {
    const t = f.logTypes['service-principal-sign-ins']?.timeline
    const expected = new Array(24).fill(0)
    expected[0] = 2 // 00:10, 00:20
    expected[1] = 2 // 01:05 (7-digit fraction), 01:30
    expected[2] = 2
    expected[5] = 1
    expected[23] = 1 // 23:59:59, the last second of the window
    expect(t).toEqual({
      bucket: 'hour',
      bucketMs: 3_600_000,
      start: '2026-10-05T00:00:00.000Z',
      counts: expected,
      outside: 0,
      windowStart: '2026-10-05T00:00:00.000Z',
      windowEnd: '2026-10-06T00:00:00.000Z'
    })
    expect(partialEdges(t!)).toEqual({ first: false, last: false })
  })

  it('is plain JSON for the manifest', () => {
    // A Map, Set or Date anywhere would not survive the round trip unchanged.
    expect(JSON.parse(JSON.stringify(f))).toEqual(f)
  })
})

describe('createFindings bounds', () => {
  it('switches to daily buckets for windows longer than 3 days', () => {
    const settings = settingsFor({
      window: { start: new Date('2026-10-01T06:00:00Z'), end: new Date('2026-10-05T06:00:00Z') }
    })
    const findings = createFindings(settings)
    findings.observe('audit-logs', { activityDateTime: '2026-10-01T07:00:00Z' })
    findings.observe('audit-logs', { activityDateTime: '2026-10-04T23:00:00Z' })
    findings.observe('audit-logs', { activityDateTime: 'not a date' })
    const t = findings.result().logTypes['audit-logs']?.timeline
    // Floored to midnight: Oct 1..5 is five calendar days.
    expect(t).toEqual({
      bucket: 'day',
      bucketMs: 86_400_000,
      start: '2026-10-01T00:00:00.000Z',
      counts: [1, 0, 0, 1, 0],
      outside: 1,
      windowStart: '2026-10-01T06:00:00.000Z',
      windowEnd: '2026-10-05T06:00:00.000Z'
    })
    // Oct 1 from 06:00 and Oct 5 to 06:00 are a quarter day each.
    expect(partialEdges(t!)).toEqual({ first: true, last: true })
  })

  it('keeps at most maxKeysPerList distinct keys and counts the rest as other', () => {
    const findings = createFindings(settingsFor(), { maxKeysPerList: 100 })
    for (let i = 0; i < 5; i++) findings.observe('audit-logs', { activityDisplayName: 'Frequent' })
    for (let i = 0; i < 250; i++) findings.observe('audit-logs', { activityDisplayName: `a${i}` })
    const a = findings.result().logTypes['audit-logs'] as AuditFindings
    // 'Frequent' + a0..a98 fill the 100 slots; a99..a249 (151 records) are "other".
    expect(a.topActivities).toMatchObject({ distinct: 100, otherRecords: 151, capped: true })
    expect(a.topActivities.entries[0]).toEqual({ name: 'Frequent', count: 5 })
    expect(a.topActivities.entries).toHaveLength(10)
    expect(a.records).toBe(255)
  })

  it('cuts very long keys so the cap also bounds memory in bytes', () => {
    const findings = createFindings(settingsFor())
    findings.observe('audit-logs', { activityDisplayName: 'x'.repeat(100_000) })
    const a = findings.result().logTypes['audit-logs'] as AuditFindings
    expect(a.topActivities.entries[0].name.length).toBeLessThanOrEqual(256)
    expect(a.topActivities.entries[0].name.endsWith('…')).toBe(true)
  })

  it('lists every requested log type, with zeros when nothing came', () => {
    const f = createFindings(settingsFor()).result()
    expect(Object.keys(f.logTypes).sort()).toEqual([...settingsFor().logTypes].sort())
    expect(f.logTypes['audit-logs']).toMatchObject({ records: 0, failures: 0 })
  })
})

describe('sparkline', () => {
  it('scales from zero to the peak', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█')
    expect(sparkline([0, 0])).toBe('▁▁')
    // A small but non-zero bucket never looks empty.
    expect(sparkline([1, 1000])).toBe('▂█')
  })
})
