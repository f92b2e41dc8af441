/**
 * Issue 7: scheduled runs laid end to end hold every record exactly once,
 * through a skipped run, a late run and records that arrive late.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { allRecords, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { runAction, tenantInputs } from '../support/run-action.js'

const HOUR = 3_600_000
// Real now: the action's retention checks use the real clock.
const NOW = Math.floor(Date.now() / HOUR) * HOUR
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * HOUR).toISOString()
const TYPES = ['service-principal-sign-ins', 'audit-logs'] as const

function inputs(tenant: FakeTenant, extra: Record<string, string>): Record<string, string> {
  return {
    ...tenantInputs(tenant),
    'rate-limit': '500',
    'log-types': TYPES.join(','),
    incremental: 'true',
    overlap: '2h',
    ...extra
  }
}

function idsInArtifact(tenant: FakeTenant, name: string, logType: string): string[] {
  const artifact = tenant.results.artifacts().find(a => a.name === name)
  if (!artifact) throw new Error(`no artifact ${name}`)
  const csv = artifact.files().get(`${logType}.csv`)!
  return (parse(csv, { columns: true, bom: true }) as { id: string }[]).map(r => r.id)
}

/** A copy of an existing record with a new id and a time in the past: a late arrival. */
function lateCopy(tenant: FakeTenant, logType: (typeof TYPES)[number], time: string, n: number) {
  const field = logType === 'audit-logs' ? 'activityDateTime' : 'createdDateTime'
  const template = allRecords(tenant.dataset, logType)[0]
  const id = `1a7e0000-0000-4000-8000-${String(n).padStart(12, '0')}`
  return { ...template, id, [field]: time }
}

describe('incremental scheduled exports', () => {
  let tenant: FakeTenant
  beforeAll(async () => {
    tenant = await startFakeTenant({
      dataset: { window: { start: at(30), end: at(0) }, count: 600 },
      graph: { throttle: false }
    })
  })
  afterAll(() => tenant?.stop())

  it('a skipped run, a late run and late-arriving records: the artifacts hold the dataset exactly once', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'incremental-runner-'))
    const run = async (n: number, until: string) => {
      const result = await runAction({
        tenant,
        inputs: inputs(tenant, { since: at(24), until, 'artifact-name': `run-${n}` }),
        env: { RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: String(1000 + n) }
      })
      expect(result.code).toBe(0)
      return result
    }

    const first = await run(1, at(18))
    expect(first.stdout).toMatch(/::warning::incremental: no saved state/)
    // Late events land inside the previous run's 2 h overlap, after that run has gone.
    tenant.graph.addRecords('audit-logs', [lateCopy(tenant, 'audit-logs', at(18.5), 1)])
    tenant.graph.addRecords('service-principal-sign-ins', [
      lateCopy(tenant, 'service-principal-sign-ins', at(19.9), 2)
    ])

    const second = await run(2, at(12))
    expect(second.stdout).not.toMatch(/no saved state/)
    // Run 3 (until 6 h ago) is skipped; run 4 starts late and covers both.
    tenant.graph.addRecords('audit-logs', [lateCopy(tenant, 'audit-logs', at(12.2), 3)])
    const fourth = await run(4, at(0))

    const manifest = JSON.parse(readFileSync(fourth.outputs.manifest, 'utf8'))
    expect(manifest.logTypes['audit-logs'].continuity.status).toBe('continued')
    expect(manifest.logTypes['audit-logs'].continuity.lateRecords).toBe(1)
    expect(manifest.logTypes['audit-logs'].continuity.previouslyExportedDropped).toBeGreaterThan(0)
    expect(fourth.summary).toContain('Continuity with the previous run')
    expect(fourth.summary).toContain('✅ continued')
    expect(first.summary).toContain('⚠️ first run')

    for (const type of TYPES) {
      const union = [1, 2, 4].flatMap(n => idsInArtifact(tenant, `run-${n}`, type))
      const field = type === 'audit-logs' ? 'activityDateTime' : 'createdDateTime'
      const expected = allRecords(tenant.dataset, type)
        .filter(r => Date.parse(r[field] as string) >= Date.parse(at(24)))
        .map(r => r.id as string)
      expect(new Set(union).size).toBe(union.length)
      expect([...union].sort()).toEqual([...expected].sort())
    }
  })

  it('a previous end beyond retention raises an alarm naming the range that is lost', async () => {
    const old = await startFakeTenant({
      dataset: { window: { start: at(24 * 45), end: at(0) }, count: 200 },
      graph: { throttle: false }
    })
    try {
      const runnerTemp = mkdtempSync(join(tmpdir(), 'incremental-retention-'))
      const env = (n: number) => ({ RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: String(2000 + n) })
      const first = await runAction({
        tenant: old,
        inputs: inputs(old, { since: at(24 * 45), until: at(24 * 40), 'artifact-name': 'old-1' }),
        env: env(1)
      })
      expect(first.code).toBe(0)
      // The whole first window is past Graph's retention edge: header-only files and a warning.
      const DAY = 24 * HOUR
      const edge = new Date(Math.floor((Date.now() - 30 * DAY) / DAY) * DAY).toISOString()
      const firstManifest = JSON.parse(readFileSync(first.outputs.manifest, 'utf8'))
      expect(firstManifest.logTypes['audit-logs']).toMatchObject({
        status: 'ok',
        rows: 0,
        retentionGap: { start: at(24 * 45), end: at(24 * 40), graphMinimum: edge }
      })
      const second = await runAction({
        tenant: old,
        inputs: inputs(old, { since: '1d', 'artifact-name': 'old-2' }),
        env: env(2)
      })
      expect(second.code).toBe(0)
      const alarm = second.stdout
        .split('\n')
        .filter(l => l.startsWith('::warning::') && l.includes('lost'))
      expect(alarm.length).toBeGreaterThanOrEqual(1)
      expect(alarm[0]).toContain(`from ${at(24 * 40)}`)
      const manifest = JSON.parse(readFileSync(second.outputs.manifest, 'utf8'))
      expect(manifest.logTypes['audit-logs'].continuity.status).toBe('gap')
      expect(manifest.logTypes['audit-logs'].continuity.lostRange.start).toBe(at(24 * 40))
      // Graph itself named its edge: the saved end is past it, so [start, edge) is marked lost
      // and everything from the edge on is exported exactly.
      const start = new Date(Date.parse(at(24 * 40)) - 2 * HOUR).toISOString()
      expect(manifest.logTypes['audit-logs'].retentionGap).toMatchObject({ start, end: edge })
      expect(second.stdout).toContain(`[${start}, ${edge})`)
      const expected = allRecords(old.dataset, 'audit-logs')
        .filter(r => Date.parse(r.activityDateTime as string) >= Date.parse(edge))
        .map(r => r.id as string)
      expect(idsInArtifact(old, 'old-2', 'audit-logs').sort()).toEqual(expected.sort())
    } finally {
      await old.stop()
    }
  })
})
