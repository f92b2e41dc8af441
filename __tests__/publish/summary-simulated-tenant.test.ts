/**
 * The simulated tenant's dataset (hostile names included) through findings and
 * summary. Expected values come from a brute-force count over all records,
 * not from the bounded counters under test.
 */
import { allRecords, generateDataset } from '../fake-tenant/dataset.js'
import { createFindings } from '../../src/findings/create-findings.js'
import type { AuditFindings, TopList, WorkloadFindings } from '../../src/findings/types.js'
import { renderSummary } from '../../src/publish/summary.js'
import type { LogTypeName } from '../../src/settings.js'
import { exportResult, logTypeResult, settingsFor } from '../support/summary-fixtures.js'
import { nodes, textOf, toHtml, wellFormed } from './markdown.js'

const window = { start: new Date('2026-10-03T00:00:00Z'), end: new Date('2026-10-05T00:00:00Z') }
const logTypes: LogTypeName[] = ['service-principal-sign-ins', 'audit-logs']
const dataset = generateDataset({ seed: 8, window, count: 600, hostileFraction: 0.5 })
const records = Object.fromEntries(logTypes.map(t => [t, allRecords(dataset, t)]))
const settings = settingsFor({ window, logTypes })

const findings = createFindings(settings)
for (const t of logTypes) for (const r of records[t]) findings.observe(t, r)
const result = findings.result()

type Rec = Record<string, unknown>
const get = (r: Rec, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Rec | null | undefined)?.[k], r)

/** Brute force: every key's count, then the ten largest counts in order. */
function bruteForce(
  rs: Rec[],
  key: (r: Rec) => string
): { counts: Map<string, number>; top: number[] } {
  const counts = new Map<string, number>()
  for (const r of rs) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1)
  return { counts, top: [...counts.values()].sort((a, b) => b - a).slice(0, 10) }
}

function expectTop(list: TopList, rs: Rec[], key: (r: Rec) => string): void {
  const { counts, top } = bruteForce(rs, key)
  expect(list.entries.map(e => e.count)).toEqual(top)
  for (const e of list.entries) expect(counts.get(e.name)).toBe(e.count)
  expect(list.distinct).toBe(counts.size)
}

describe('findings on the simulated tenant', () => {
  const sp = records['service-principal-sign-ins']
  const f = result.logTypes['service-principal-sign-ins'] as WorkloadFindings
  const failed = (r: Rec): boolean => get(r, 'status.errorCode') !== 0

  it('counts service-principal sign-ins, failures and credential types', () => {
    expect(f.records).toBe(sp.length)
    expect(f.failures).toBe(sp.filter(failed).length)
    expectTop(f.topPrincipals, sp, r => String(r.servicePrincipalName))
    expectTop(f.topFailingPrincipals, sp.filter(failed), r => String(r.servicePrincipalName))
    expectTop(f.credentialTypes, sp, r => String(r.clientCredentialType))
    expectTop(f.countries, sp, r => String(get(r, 'location.countryOrRegion')))
    const secrets = sp.filter(r => r.clientCredentialType === 'clientSecret')
    expectTop(f.clientSecretPrincipals, secrets, r => String(r.servicePrincipalName))
    expect(f.timeline?.counts.reduce((a, b) => a + b, 0)).toBe(sp.length)
  })

  it('counts audits by activity, initiator and failure', () => {
    const audits = records['audit-logs']
    const a = result.logTypes['audit-logs'] as AuditFindings
    expect(a.failures).toBe(audits.filter(r => r.result !== 'success').length)
    expectTop(a.topActivities, audits, r => String(r.activityDisplayName))
    expectTop(a.topInitiators, audits, r =>
      String(get(r, 'initiatedBy.user.userPrincipalName') ?? get(r, 'initiatedBy.app.displayName'))
    )
  })

  it('renders hostile names as text in a well-formed summary', async () => {
    const markdown = renderSummary({
      settings,
      result: exportResult(logTypes.map(t => logTypeResult(t, records[t].length))),
      findings: result
    })
    const root = await wellFormed(markdown)
    // Hostile UPNs from the directory reach the initiator table and stay literal.
    const cells = nodes(root, 'tableCell').map(textOf)
    const hostile = (result.logTypes['audit-logs'] as AuditFindings).topInitiators.entries
      .map(e => e.name)
      .filter(n => /[<|*]/.test(n))
    expect(hostile.length).toBeGreaterThan(0)
    for (const n of hostile) expect(cells).toContain(n.replace(/[\r\n]+/g, ' '))
    expect(toHtml(root)).not.toMatch(/<img/i)
  })
})
