/**
 * The bundled action (dist/index.js) run as GitHub runs it, against the
 * simulated tenant: the files, outputs, summary and artifact it leaves.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { LOG_TYPES, type LogTypeName } from '../../src/settings.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { expectedIds, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { runAction, tenantInputs } from '../support/run-action.js'

const NOW = new Date('2026-10-06T12:00:00Z')
let tenant: FakeTenant

beforeAll(async () => {
  tenant = await startFakeTenant({
    now: NOW,
    graph: { throttle: { limit: 200, windowMs: 10_000 } }
  })
})
afterAll(() => tenant?.stop())

function baseInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...tenantInputs(tenant),
    'rate-limit': '200',
    'page-size': '40',
    ...extra
  }
}

function csvRows(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, bom: true })
}

/** Two whole-second record timestamps of a log type, to put the window's edges on records. */
function edgesOnRecords(logType: LogTypeName): { since: string; until: string } {
  const field = LOG_TYPE_SPECS[logType].timeField!
  const stamps = [...tenant.dataset.store(logType).scan()]
    .map(r => r[field] as string)
    .filter(t => !t.includes('.'))
  return {
    until: stamps[Math.floor(stamps.length * 0.2)],
    since: stamps[Math.floor(stamps.length * 0.8)]
  }
}

const windowed = LOG_TYPES.filter(t => LOG_TYPE_SPECS[t].timeField)

describe('the bundled action against the simulated tenant', () => {
  it.each(windowed)(
    '%s: exactly the expected ids for a window whose edges fall on records',
    async logType => {
      const { since, until } = edgesOnRecords(logType)
      const run = await runAction({
        tenant,
        inputs: baseInputs({ 'log-types': logType, since, until, upload: 'false' })
      })
      expect(run.code).toBe(0)
      const expected = expectedIds(tenant.dataset, logType, { start: since, end: until })
      // The window's start is a record (included), its end another (excluded).
      expect(expected.length).toBeGreaterThan(20)
      const path = join(run.outputs['output-dir'], `${logType}.csv`)
      const ids = csvRows(path).map(r => r.id)
      expect(ids.length).toBe(expected.length)
      expect([...ids].sort()).toEqual([...expected].sort())
      expect(JSON.parse(run.outputs['row-counts'])).toEqual({ [logType]: expected.length })
      expect(run.outputs['window-start']).toBe(new Date(since).toISOString())
      expect(run.outputs['window-end']).toBe(new Date(until).toISOString())
    }
  )

  it('exports every log type, uploads the same bytes as the files, and reports them', async () => {
    const run = await runAction({
      tenant,
      inputs: baseInputs({
        'log-types': 'all',
        since: '2026-10-04T12:00:00Z',
        until: '2026-10-06T12:00:00Z',
        format: 'csv, jsonl',
        'artifact-name': 'all-logs'
      })
    })
    expect(run.code).toBe(0)
    const files: string[] = JSON.parse(run.outputs.files)
    expect(files.map(f => basename(f)).sort()).toEqual(
      [...LOG_TYPES.flatMap(t => [`${t}.csv`, `${t}.jsonl`]), 'manifest.json', 'SHA256SUMS'].sort()
    )
    const artifact = tenant.results.artifacts().find(a => a.name === 'all-logs')!
    expect(String(artifact.id)).toBe(run.outputs['artifact-id'])
    expect(run.outputs['artifact-url']).toMatch(
      new RegExp(`/actions/runs/\\d+/artifacts/${artifact.id}$`)
    )
    const zipped = artifact.files()
    expect([...zipped.keys()].sort()).toEqual(files.map(f => basename(f)).sort())
    for (const file of files)
      expect(zipped.get(basename(file))!.equals(readFileSync(file))).toBe(true)

    const manifest = JSON.parse(readFileSync(run.outputs.manifest, 'utf8'))
    expect(manifest.status).toBe('ok')
    for (const t of LOG_TYPES) {
      const entry = manifest.logTypes[t]
      expect(entry.status).toBe('ok')
      for (const f of entry.files) {
        const bytes = readFileSync(join(run.outputs['output-dir'], f.path))
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256)
      }
      // JSONL carries the same records in the same order as the CSV.
      const csvIds = csvRows(join(run.outputs['output-dir'], `${t}.csv`)).map(r => r.id)
      const jsonlIds = readFileSync(join(run.outputs['output-dir'], `${t}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line).id)
      expect(jsonlIds).toEqual(csvIds)
    }
    const total = Object.values(
      JSON.parse(run.outputs['row-counts']) as Record<string, number>
    ).reduce((a, b) => a + b, 0)
    expect(run.outputs['total-rows']).toBe(String(total))
    expect(run.summary).toContain('all-logs')
    expect(run.summary).toContain(`gh run download`)
  })

  it('a window reaching 35 days back exports what Graph holds, warns with the lost range and marks the gap', async () => {
    const since = new Date(NOW.getTime() - 35 * 86_400_000).toISOString()
    const edge = '2026-09-06T00:00:00.000Z' // the tenant's retention edge: midnight 30 days before NOW
    const run = await runAction({
      tenant,
      inputs: baseInputs({
        'log-types': 'audit-logs, provisioning-logs',
        since,
        until: NOW.toISOString(),
        'artifact-name': 'past-retention'
      })
    })
    expect(run.code).toBe(0)
    const manifest = JSON.parse(readFileSync(run.outputs.manifest, 'utf8'))
    for (const t of ['audit-logs', 'provisioning-logs'] as const) {
      const ids = csvRows(join(run.outputs['output-dir'], `${t}.csv`)).map(r => r.id)
      const window = { start: new Date(edge), end: NOW }
      expect(ids.sort()).toEqual(expectedIds(tenant.dataset, t, window).sort())
      expect(manifest.logTypes[t]).toMatchObject({
        status: 'ok',
        complete: false,
        retentionGap: { start: since, end: edge, graphMinimum: edge }
      })
      const warning = run.stdout
        .split('\n')
        .find(l => l.startsWith('::warning::') && l.includes(LOG_TYPE_SPECS[t].title))
      expect(warning).toContain(`[${since}, ${edge})`)
      expect(warning).toContain('retention')
    }
    expect(run.summary).toContain("past Microsoft Graph's retention")
    // The output agrees with the manifest: the whole window was not exported.
    expect(run.outputs.complete).toBe('false')
  })

  it('a 403 on one log type leaves the others exported and uploaded, and fails the step with the fix', async () => {
    tenant.graph.configure({ forbidden: { 'service-principal-sign-ins': 'permission' } })
    try {
      const run = await runAction({
        tenant,
        inputs: baseInputs({
          'log-types': 'service-principal-sign-ins, audit-logs',
          'artifact-name': 'partial'
        })
      })
      expect(run.code).toBe(1)
      const error = run.stdout.split('\n').filter(l => l.startsWith('::error::'))
      expect(error).toHaveLength(1)
      expect(error[0]).toMatch(/service-principal-sign-ins/)
      expect(error[0]).toMatch(/AuditLog\.Read\.All/)
      expect(run.stdout).not.toMatch(/^\s+at /m)
      const zipped = tenant.results
        .artifacts()
        .find(a => a.name === 'partial')!
        .files()
      expect([...zipped.keys()].sort()).toEqual(
        [
          'audit-logs.csv',
          'manifest.json',
          'SHA256SUMS',
          'service-principal-sign-ins.incomplete.csv'
        ].sort()
      )
      expect(run.summary).toMatch(/failed/)
    } finally {
      tenant.graph.configure({ forbidden: {} })
    }
  })

  it('bad input fails before any network call, naming input, value and what is allowed', async () => {
    const before = {
      graph: tenant.graph.counters.requests,
      login: JSON.stringify(tenant.login.tokens.issuedByMode)
    }
    const run = await runAction({ tenant, inputs: baseInputs({ 'page-size': '5000' }) })
    expect(run.code).toBe(1)
    const error = run.stdout.split('\n').find(l => l.startsWith('::error::'))
    expect(error).toMatch(/'page-size'/)
    expect(error).toMatch(/'5000'/)
    expect(error).toMatch(/from 1 to 1000/)
    expect(run.stdout).not.toMatch(/^\s+at /m)
    expect(tenant.graph.counters.requests).toBe(before.graph)
    expect(JSON.stringify(tenant.login.tokens.issuedByMode)).toBe(before.login)
  })

  it('upload: false writes the files, skips the artifact with a notice', async () => {
    const artifactsBefore = tenant.results.artifacts().length
    const run = await runAction({ tenant, inputs: baseInputs({ upload: 'false' }) })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::notice::Upload skipped/)
    expect(run.outputs['artifact-id']).toBe('')
    expect(tenant.results.artifacts().length).toBe(artifactsBefore)
  })
})
