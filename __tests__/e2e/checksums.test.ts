/**
 * What an auditor does with a downloaded artifact: unzip it with a stock unzip
 * and check it with a stock `sha256sum -c SHA256SUMS`. The artifact is the zip
 * the bundled action uploaded to the simulated results backend.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { runAction, tenantInputs } from '../support/run-action.js'

let tenant: FakeTenant
let scratch: string
beforeAll(async () => {
  tenant = await startFakeTenant({
    now: new Date('2026-10-06T12:00:00Z'),
    graph: { throttle: { limit: 200, windowMs: 10_000 } }
  })
  scratch = mkdtempSync(join(tmpdir(), 'checksums-e2e-'))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
  return tenant?.stop()
})

function run(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' })
  return { status: result.status, out: `${result.stdout}${result.stderr}` }
}

it('sha256sum -c SHA256SUMS passes on the downloaded artifact and catches a changed file', async () => {
  const result = await runAction({
    tenant,
    inputs: {
      ...tenantInputs(tenant),
      'rate-limit': '200',
      'page-size': '40',
      'log-types': 'service-principal-sign-ins, audit-logs, service-principal-activity',
      since: '2026-10-05T12:00:00Z',
      until: '2026-10-06T12:00:00Z',
      format: 'csv, jsonl',
      'max-rows-per-file': '50',
      'artifact-name': 'auditor-copy'
    }
  })
  expect(result.code).toBe(0)
  const files: string[] = JSON.parse(result.outputs.files)
  expect(basename(result.outputs.checksums)).toBe('SHA256SUMS')
  expect(files).toContain(result.outputs.checksums)
  // Split parts exist, so the list covers more than one file per log type.
  expect(files.map(f => basename(f))).toContain('audit-logs.2.csv')

  const artifact = tenant.results.artifacts().find(a => a.name === 'auditor-copy')!
  const download = join(scratch, 'download')
  writeFileSync(join(scratch, 'auditor-copy.zip'), artifact.zip)
  const unzip = run('unzip', ['-q', join(scratch, 'auditor-copy.zip'), '-d', download], scratch)
  expect(unzip).toEqual({ status: 0, out: '' })
  expect(readdirSync(download).sort()).toEqual(files.map(f => basename(f)).sort())

  const check = run('sha256sum', ['-c', 'SHA256SUMS'], download)
  expect(check.out).not.toMatch(/FAILED|WARNING|improperly formatted/)
  expect(check.status).toBe(0)
  // Every file but SHA256SUMS itself is listed, manifest.json included.
  const ok = check.out
    .split('\n')
    .filter(line => line.endsWith(': OK'))
    .map(line => line.slice(0, -': OK'.length))
  expect(ok.sort()).toEqual(
    files
      .map(f => basename(f))
      .filter(name => name !== 'SHA256SUMS')
      .sort()
  )

  appendFileSync(join(download, 'audit-logs.csv'), 'x')
  const tampered = run('sha256sum', ['-c', 'SHA256SUMS'], download)
  expect(tampered.status).not.toBe(0)
  expect(tampered.out).toContain('audit-logs.csv: FAILED')
})
