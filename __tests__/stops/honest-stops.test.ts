/**
 * Issue 14, end to end on dist/index.js: a cancel, the time budget and a full
 * disk leave files, a manifest and a summary that say exactly what is complete;
 * incremental runs closer together than `overlap`, and a budget-stopped run
 * resumed by the next, deliver every record exactly once.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { allRecords, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { runAction, type RunActionResult, tenantInputs } from '../support/run-action.js'
import { canMountSmallDisk, mountSmallDisk } from '../support/small-disk.js'

const HOUR = 3_600_000
const NOW = Math.floor(Date.now() / HOUR) * HOUR
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * HOUR).toISOString()
const TYPES = ['service-principal-sign-ins', 'audit-logs'] as const
type Type = (typeof TYPES)[number]
const FIELD = { 'audit-logs': 'activityDateTime', 'service-principal-sign-ins': 'createdDateTime' }

function inputs(tenant: FakeTenant, extra: Record<string, string>): Record<string, string> {
  return {
    ...tenantInputs(tenant),
    'rate-limit': '500',
    'log-types': TYPES.join(','),
    ...extra
  }
}

function artifactIds(tenant: FakeTenant, name: string, type: Type): string[] {
  const artifact = tenant.results.artifacts().find(a => a.name === name)
  if (!artifact) throw new Error(`no artifact ${name}`)
  const files = artifact.files()
  const csv = files.get(`${type}.csv`) ?? files.get(`${type}.incomplete.csv`)
  if (!csv) throw new Error(`no ${type} file in ${name}: ${[...files.keys()].join(', ')}`)
  return (parse(csv, { columns: true, bom: true }) as { id: string }[]).map(r => r.id)
}

function idsBetween(tenant: FakeTenant, type: Type, start: number, end: number): string[] {
  return allRecords(tenant.dataset, type)
    .filter(r => {
      const t = Date.parse(r[FIELD[type]] as string)
      return t >= start && t < end
    })
    .map(r => r.id as string)
}

const sorted = (ids: string[]): string[] => [...ids].sort()

/** Every file under dir, recursively, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
}

describe('incremental runs closer together than overlap', () => {
  let tenant: FakeTenant
  beforeAll(async () => {
    tenant = await startFakeTenant({
      dataset: { window: { start: at(30), end: at(0) }, count: 400 },
      graph: { throttle: false }
    })
  })
  afterAll(() => tenant?.stop())

  it('hourly runs with the default 2h overlap: union exact, nothing in two artifacts, nothing before since', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'hourly-runner-'))
    // The first run ends 1 h after since: the next one's overlap would reach before since.
    const runs = [21, 20, 19, 18, 17]
    for (const [i, until] of runs.entries()) {
      const result = await runAction({
        tenant,
        inputs: inputs(tenant, {
          since: at(22),
          until: at(until),
          incremental: 'true',
          'artifact-name': `hourly-${i}`
        }),
        env: { RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: String(3000 + i) }
      })
      expect(result.code).toBe(0)
    }
    for (const type of TYPES) {
      const union = runs.flatMap((_, i) => artifactIds(tenant, `hourly-${i}`, type))
      expect(union.length - new Set(union).size).toBe(0) // none in two artifacts
      expect(sorted(union)).toEqual(
        sorted(idsBetween(tenant, type, Date.parse(at(22)), Date.parse(at(17))))
      )
    }
  }, 120_000)
})

describe('stopping early', () => {
  let tenant: FakeTenant
  beforeAll(async () => {
    tenant = await startFakeTenant({
      dataset: { window: { start: at(30), end: at(0) }, count: 600 },
      graph: { throttle: false, latencyMs: 400 }
    })
  })
  afterAll(() => tenant?.stop())

  it('time budget: exit 0 with complete=false, exact complete ranges; the next incremental run exports exactly the rest', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'budget-runner-'))
    const env = (n: number) => ({ RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: String(4000 + n) })
    const common = { since: at(24), until: at(12), incremental: 'true', 'page-size': '5' }
    const first = await runAction({
      tenant,
      inputs: inputs(tenant, { ...common, 'time-budget': '5s', 'artifact-name': 'budget-1' }),
      env: env(1)
    })
    expect(first.code).toBe(0)
    expect(first.outputs.complete).toBe('false')
    expect(first.stdout).toMatch(/::warning::The time budget ran out/)
    const manifest = JSON.parse(readFileSync(first.outputs.manifest, 'utf8'))
    expect(manifest.status).toBe('time-budget')
    let stopped = 0
    for (const type of TYPES) {
      const entry = manifest.logTypes[type]
      const ids = artifactIds(tenant, 'budget-1', type)
      if (entry.status === 'ok') {
        expect(sorted(ids)).toEqual(
          sorted(idsBetween(tenant, type, Date.parse(at(24)), Date.parse(at(12))))
        )
        continue
      }
      stopped++
      expect(entry.status).toBe('stopped')
      expect(entry.missingRanges.length).toBeGreaterThan(0)
      // The file holds every record of the complete ranges, and nothing else.
      const expected = (entry.completeRanges as { start: string; end: string }[]).flatMap(r =>
        idsBetween(tenant, type, Date.parse(r.start), Date.parse(r.end))
      )
      expect(sorted(ids)).toEqual(sorted(expected))
    }
    expect(stopped).toBeGreaterThan(0)
    expect(first.summary).toMatch(/stopped by its time budget/)

    const second = await runAction({
      tenant,
      inputs: inputs(tenant, { ...common, until: at(10), 'artifact-name': 'budget-2' }),
      env: env(2)
    })
    expect(second.code).toBe(0)
    expect(second.outputs.complete).toBe('true')
    for (const type of TYPES) {
      const union = [
        ...artifactIds(tenant, 'budget-1', type),
        ...artifactIds(tenant, 'budget-2', type)
      ]
      expect(union.length - new Set(union).size).toBe(0)
      expect(sorted(union)).toEqual(
        sorted(idsBetween(tenant, type, Date.parse(at(24)), Date.parse(at(10))))
      )
    }
  }, 120_000)

  it('cancel: exits non-zero within 5 s of SIGINT, manifest and summary say cancelled, no final-named partial file, no temp left', async () => {
    let signalledAt = 0
    let exitedAt = 0
    const runnerTemp = mkdtempSync(join(tmpdir(), 'cancel-runner-'))
    // Inside RUNNER_TEMP: output-dir may be nowhere else (issue 15).
    const outputDir = join(runnerTemp, 'out')
    // What os.tmpdir() returns in the action: it must stay empty.
    const systemTemp = mkdtempSync(join(tmpdir(), 'cancel-system-temp-'))
    let tempSeenUnderRunnerTemp = false
    const systemTempEntries = new Set<string>()
    const result: RunActionResult = await runAction({
      tenant,
      inputs: inputs(tenant, {
        since: at(24),
        until: at(6),
        'page-size': '5',
        format: 'csv,jsonl',
        'output-dir': outputDir
      }),
      env: { RUNNER_TEMP: runnerTemp, TMPDIR: systemTemp },
      onStart(child, stdout) {
        const watch = setInterval(() => {
          if (readdirSync(runnerTemp).some(f => f.startsWith('entra-log-export-tmp-'))) {
            tempSeenUnderRunnerTemp = true
          }
          for (const f of readdirSync(systemTemp)) systemTempEntries.add(f)
        }, 20)
        child.once('exit', () => clearInterval(watch))
        const poll = setInterval(() => {
          if (/::group::Exporting/.test(stdout()) && signalledAt === 0) {
            setTimeout(() => {
              signalledAt = Date.now()
              child.kill('SIGINT')
            }, 1500)
            clearInterval(poll)
          }
        }, 50)
        child.once('exit', () => {
          exitedAt = Date.now()
          clearInterval(poll)
        })
      }
    })
    expect(signalledAt).toBeGreaterThan(0)
    expect(result.code).not.toBe(0)
    expect(result.code).not.toBeNull()
    expect(exitedAt - signalledAt).toBeLessThan(5_000)
    const manifest = JSON.parse(readFileSync(join(outputDir, 'manifest.json'), 'utf8'))
    expect(manifest.status).toBe('cancelled')
    expect(result.summary).toMatch(/cancelled/)
    expect(result.outputs.complete).toBe('false')
    expect(result.stdout).toMatch(/::error::The run was cancelled/)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
    const files = tree(outputDir)
    expect(files.filter(f => f.endsWith('.partial'))).toEqual([])
    for (const type of TYPES) {
      const entry = manifest.logTypes[type]
      if (entry.status === 'ok') continue
      expect(files).not.toContain(`${type}.csv`)
      expect(files).not.toContain(`${type}.jsonl`)
      const csv = readFileSync(join(outputDir, `${type}.incomplete.csv`), 'utf8')
      const ids = (parse(csv, { columns: true, bom: true }) as { id: string }[]).map(r => r.id)
      const expected = (entry.completeRanges as { start: string; end: string }[]).flatMap(r =>
        idsBetween(tenant, type, Date.parse(r.start), Date.parse(r.end))
      )
      expect(sorted(ids)).toEqual(sorted(expected))
    }
    // Temp files lived under RUNNER_TEMP, never the system temp directory, and are gone.
    expect(tempSeenUnderRunnerTemp).toBe(true)
    expect([...systemTempEntries]).toEqual([])
    expect(tree(runnerTemp).filter(f => f.includes('entra-log-export-tmp'))).toEqual([])
    // Nothing uploaded.
    expect(tenant.results.artifacts().find(a => a.name === 'entra-logs')).toBeUndefined()
  }, 120_000)
})

describe('a full disk', () => {
  let tenant: FakeTenant
  beforeAll(async () => {
    tenant = await startFakeTenant({
      dataset: { window: { start: at(30), end: at(0) }, count: 200 },
      graph: { throttle: false }
    })
  })
  afterAll(() => tenant?.stop())

  const onSmallDisk = canMountSmallDisk ? it : it.skip
  onSmallDisk(
    'a plain ::error naming the file and "disk full", no truncated final-named file, summary written, no state saved',
    async () => {
      // 32 KiB of disk for the output directory: the export needs more. Temp files and the
      // summary live elsewhere (RUNNER_TEMP), so what fills up is the output itself.
      const disk = mountSmallDisk(32 * 1024)!
      try {
        const outputDir = join(disk.dir, 'out')
        const result = await runAction({
          tenant,
          inputs: inputs(tenant, {
            since: at(24),
            'output-dir': outputDir,
            upload: 'false',
            incremental: 'true'
          }),
          env: { GITHUB_WORKSPACE: disk.dir }
        })
        expect(result.code).not.toBe(0)
        const errors = result.stdout.split('\n').filter(l => l.startsWith('::error'))
        expect(errors).toHaveLength(1)
        expect(errors[0]).toContain(outputDir)
        expect(errors[0]).toMatch(/disk full/)
        expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
        const files = tree(outputDir)
        expect(files.filter(f => f.endsWith('.partial'))).toEqual([])
        expect(files.some(f => f.includes('.incomplete'))).toBe(true)
        // A file under its final name holds all that name promises: every record of the window.
        for (const type of TYPES) {
          if (!files.includes(`${type}.csv`)) continue
          const csv = readFileSync(join(outputDir, `${type}.csv`), 'utf8')
          const ids = (parse(csv, { columns: true, bom: true }) as { id: string }[]).map(r => r.id)
          expect(sorted(ids)).toEqual(sorted(idsBetween(tenant, type, Date.parse(at(24)), NOW)))
        }
        expect(result.summary).toMatch(/disk full/)
        // No state saved: the next run re-covers this window.
        expect(tenant.results.cacheEntries()).toEqual([])
      } finally {
        disk.unmount()
      }
    },
    120_000
  )
})
