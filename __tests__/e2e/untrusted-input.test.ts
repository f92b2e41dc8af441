/**
 * Inputs that would steer the runner or the file system are refused before any
 * network call, with an ::error naming the input: output-dir outside the
 * workspace and runner temp (directly or through a planted link), files in the
 * way, artifact names that are not names, control characters in free text.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { runAction, type RunActionResult, tenantInputs } from '../support/run-action.js'
import { forgedCommands } from '../support/workflow-commands.js'

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'index.js')
const NOW = new Date('2026-10-06T12:00:00Z')
let tenant: FakeTenant

beforeAll(async () => {
  tenant = await startFakeTenant({ now: NOW, dataset: { count: 60 } })
})
afterAll(() => tenant?.stop())

/** A workspace of its own, which is also the working directory, as on a runner. */
function workspace(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'entra-ws-')))
}

/** `env`: extra runner variables (e.g. the RUNNER_TEMP of an earlier step of the same job). */
async function run(
  ws: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<RunActionResult & { networkCalls: number }> {
  const before = tenant.graph.requests.length + tenant.login.requests.length
  const result = await runAction({
    tenant,
    script: SCRIPT,
    cwd: ws,
    env: { GITHUB_WORKSPACE: ws, ...env },
    inputs: {
      ...tenantInputs(tenant),
      'log-types': 'audit-logs',
      since: '2026-10-05T00:00:00Z',
      until: '2026-10-06T00:00:00Z',
      upload: 'false',
      ...inputs
    }
  })
  const after = tenant.graph.requests.length + tenant.login.requests.length
  return { ...result, networkCalls: after - before }
}

function expectRefused(result: RunActionResult & { networkCalls: number }, input: string): void {
  expect(result.code).toBe(1)
  expect(result.networkCalls).toBe(0)
  expect(result.stdout).toMatch(new RegExp(`^::error::Input '${input}'`, 'm'))
  expect(forgedCommands(result.stdout)).toEqual([])
}

describe('output-dir', () => {
  it('outside the workspace and runner temp is refused', async () => {
    const ws = workspace()
    const result = await run(ws, { 'output-dir': '../../..' })
    expectRefused(result, 'output-dir')
    expect(result.stdout).toContain('inside the workspace (GITHUB_WORKSPACE)')
  })

  it('inside the workspace is used', async () => {
    const ws = workspace()
    const result = await run(ws, { 'output-dir': 'exports/entra' })
    expect(result.code).toBe(0)
    expect(result.outputs['output-dir']).toBe(join(ws, 'exports', 'entra'))
    expect(readdirSync(join(ws, 'exports', 'entra')).sort()).toEqual([
      'SHA256SUMS',
      'audit-logs.csv',
      'manifest.json'
    ])
  })

  it('a planted link from the workspace to elsewhere is refused', async () => {
    const ws = workspace()
    const outside = mkdtempSync(join(tmpdir(), 'entra-outside-'))
    symlinkSync(outside, join(ws, 'exports'))
    const result = await run(ws, { 'output-dir': 'exports' })
    expectRefused(result, 'output-dir')
    expect(result.stdout).toContain('through a symbolic link')
    expect(readdirSync(outside)).toEqual([])
  })

  it('a link planted at a file name is refused, and its target is untouched', async () => {
    const ws = workspace()
    mkdirSync(join(ws, 'exports'))
    const victim = join(mkdtempSync(join(tmpdir(), 'entra-outside-')), 'victim.txt')
    writeFileSync(victim, 'keep me')
    symlinkSync(victim, join(ws, 'exports', 'audit-logs.csv'))
    const result = await run(ws, { 'output-dir': 'exports' })
    expectRefused(result, 'output-dir')
    expect(result.stdout).toContain('audit-logs.csv')
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
  })

  it("a directory holding an earlier run's manifest is refused, naming the file", async () => {
    const ws = workspace()
    mkdirSync(join(ws, 'exports'))
    writeFileSync(join(ws, 'exports', 'manifest.json'), '{"earlier":true}')
    const result = await run(ws, { 'output-dir': 'exports' })
    expectRefused(result, 'output-dir')
    expect(result.stdout).toContain('manifest.json')
    expect(readFileSync(join(ws, 'exports', 'manifest.json'), 'utf8')).toBe('{"earlier":true}')
  })

  it('an existing file is refused', async () => {
    const ws = workspace()
    writeFileSync(join(ws, 'exports'), 'a file')
    expectRefused(await run(ws, { 'output-dir': 'exports' }), 'output-dir')
  })

  it('a second run in the same job with another artifact-name gets its own default directory', async () => {
    const ws = workspace()
    const first = await run(ws, { 'artifact-name': 'first' })
    expect(first.code).toBe(0)
    // The next step of the same job: same workspace, same runner temp.
    const sameJob = { RUNNER_TEMP: first.runnerTemp }
    const again = await run(ws, { 'artifact-name': 'first' }, sameJob)
    // The same artifact name (so the same default directory) is refused, naming the files.
    expectRefused(again, 'output-dir')
    expect(again.stdout).toMatch(/^::error::Input 'output-dir'.*audit-logs\.csv, manifest\.json/m)
    const other = await run(ws, { 'artifact-name': 'second' }, sameJob)
    expect(other.code).toBe(0)
    expect(other.outputs['output-dir']).toBe(
      join(realpathSync(first.runnerTemp), 'entra-log-export', 'second')
    )
  })
})

describe('names and free text', () => {
  it.each(['..', '.', '   '])('artifact-name %j is refused', async name => {
    expectRefused(await run(workspace(), { 'artifact-name': name }), 'artifact-name')
  })

  it('a state-key holding a newline and a command is refused without printing the command', async () => {
    const result = await run(workspace(), {
      incremental: 'true',
      'state-key': 'prod\n::error title=PWNED::planted'
    })
    expectRefused(result, 'state-key')
    expect(result.stdout).toContain('PWNED')
  })

  it.each([
    ['filter', "appId eq 'a'\r\n::add-mask::PWNED"],
    ['oidc-audience', 'api://x\n::stop-commands::PWNED']
  ])('%s with control characters is refused', async (input, value) => {
    expectRefused(await run(workspace(), { [input]: value }), input)
  })
})
