/**
 * A tenant and a Graph that misbehave, against the bundled action: command
 * syntax planted in error messages, nextLinks and record fields never becomes a
 * workflow command, and a redirect is never followed (no request reaches the
 * other origin, nothing from it is exported).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeTenant, type FakeTenant, type GraphBehaviour } from '../fake-tenant/index.js'
import { FOREIGN_ID_PREFIX } from '../fake-tenant/elsewhere.js'
import { runAction, type RunActionResult, tenantInputs } from '../support/run-action.js'
import { forgedCommands } from '../support/workflow-commands.js'

const NOW = new Date('2026-10-06T12:00:00Z')
const PLANT =
  '\n::error title=PWNED::planted\r\n::add-mask::PWNED %0A::stop-commands::PWNED ##[error]PWNED'

let tenant: FakeTenant
beforeAll(async () => {
  tenant = await startFakeTenant({
    now: NOW,
    dataset: { count: 150 },
    graph: { throttle: { limit: 200, windowMs: 10_000 } }
  })
})
afterAll(() => tenant?.stop())
afterEach(() => {
  // Back to a well-behaved Graph.
  tenant.graph.configure({
    plant: undefined,
    redirect: undefined,
    undatedRecords: undefined,
    faults: undefined,
    forbidden: undefined
  })
})

function run(
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<RunActionResult> {
  return runAction({
    tenant,
    env,
    inputs: {
      ...tenantInputs(tenant),
      'rate-limit': '200',
      'page-size': '20',
      since: tenant.dataset.window.start.toISOString(),
      until: tenant.dataset.window.end.toISOString(),
      upload: 'false',
      ...extra
    }
  })
}

/** Every file the run left in its output directory, as text. */
function exported(result: RunActionResult): string {
  const dir = join(result.runnerTemp, 'entra-log-export', 'entra-logs')
  return readdirSync(dir)
    .map(name => readFileSync(join(dir, name), 'utf8'))
    .join('\n')
}

describe('planted command syntax', () => {
  it('in error messages and record fields never becomes a command', async () => {
    const undatedId = `undated${PLANT}`
    tenant.graph.configure({
      plant: { errorText: PLANT, recordField: PLANT },
      // Retries (debug lines), a chain restart (an info line) and a failing log type (the final error).
      faults: { rate500: 0.3, invalidSkipTokenAt: [1, 3] },
      forbidden: { 'provisioning-logs': 'permission' },
      undatedRecords: [{ id: undatedId, activityDisplayName: `x${PLANT}` }]
    } satisfies GraphBehaviour)
    const result = await run({
      'log-types': 'audit-logs, provisioning-logs, service-principal-sign-ins'
    })
    // provisioning-logs failed; the others were exported.
    expect(result.code).toBe(1)
    // The planted text was printed (so the check below can fail) ...
    expect(result.stdout).toContain('PWNED')
    expect(result.stdout).toMatch(/^::debug::.*attempt \d+ failed.*PWNED/m)
    expect(result.stdout).toMatch(/Invalid Skip Token.*PWNED.*restarting this part of the window/)
    expect(result.stdout).toMatch(/^::error::.*provisioning-logs.*PWNED/m)
    expect(result.stdout).toMatch(
      /^::warning::.*1 record had no parseable activityDateTime.*undated/m
    )
    // ... but never as a command of its own.
    expect(forgedCommands(result.stdout)).toEqual([])
    expect(forgedCommands(result.stderr)).toEqual([])
    // The summary shows it as text.
    expect(result.summary).toContain('PWNED')
    expect(result.summary.split('\n').filter(line => /^\s*::/.test(line))).toEqual([])
    // Record fields are data: kept whole in the files, the undated record kept out.
    const files = exported(result)
    expect(files).toContain('::add-mask::PWNED')
    expect(files).not.toContain('undated')
  })

  it.each(['cross-origin', 'plain-http'] as const)(
    'in a %s nextLink is refused, printed as text, never retried',
    async to => {
      // '#' would end the URL; the rest of the plant travels as a query value.
      const plant = PLANT.replace(/##\[/g, '')
      tenant.graph.configure({ plant: { nextLink: plant, nextLinkTo: to } })
      const before = tenant.graph.elsewhere.requests.length
      const requestsBefore = tenant.graph.requests.length
      const result = await run({ 'log-types': 'audit-logs' })
      expect(result.code).toBe(1)
      expect(tenant.graph.elsewhere.requests.length).toBe(before)
      // First pages only (one per initial time slice): the refused links were neither sent
      // anywhere nor retried.
      const sent = tenant.graph.requests.slice(requestsBefore)
      expect(sent.length).toBeGreaterThanOrEqual(1)
      expect(sent.filter(r => r.skipToken)).toEqual([])
      expect(new Set(sent.map(r => r.search)).size).toBe(sent.length)
      expect(result.stdout).toMatch(/^::error::.*Refusing to follow a link outside .*PWNED/m)
      expect(forgedCommands(result.stdout)).toEqual([])
      expect(exported(result)).not.toContain(FOREIGN_ID_PREFIX)
    }
  )
})

describe('redirects', () => {
  it.each([
    ['cross-origin', 302, 'first-page'],
    ['plain-http', 301, 'first-page'],
    ['cross-origin', 307, 'next-link'],
    ['plain-http', 308, 'next-link'],
    ['same-origin', 302, 'first-page']
  ] as const)('a %s %d redirect on the %s is not followed', async (to, status, on) => {
    tenant.graph.configure({ redirect: { to, status, on } })
    const before = tenant.graph.elsewhere.requests.length
    const result = await run({ 'log-types': 'audit-logs' })
    expect(result.code).toBe(1)
    // Not one request to the other origin, nothing of it exported.
    expect(tenant.graph.elsewhere.requests.length).toBe(before)
    expect(exported(result)).not.toContain(FOREIGN_ID_PREFIX)
    expect(result.stdout).toMatch(
      new RegExp(
        `^::error::.*Graph answered HTTP ${status}, a redirect to .*Redirects are never followed`,
        'm'
      )
    )
    // One request to the redirecting URL: a redirect is not retried.
    const redirected = tenant.graph.requests.filter(r => r.status === status)
    expect(redirected.length).toBeGreaterThanOrEqual(1)
    expect(forgedCommands(result.stdout)).toEqual([])
  })
})

describe('token request redirects', () => {
  afterEach(() => {
    tenant.login.redirect = undefined
  })

  it.each([
    ['same-origin', 307],
    ['cross-origin', 307],
    ['cross-origin', 302]
  ] as const)('a %s %d redirect of the token request is not followed', async (to, status) => {
    tenant.login.redirect = {
      status,
      to: to === 'same-origin' ? 'same-origin' : tenant.graph.elsewhere.httpsUrl
    }
    const elsewhere = tenant.graph.elsewhere.requests.length
    const redirected = tenant.login.redirectedRequests
    const graphRequests = tenant.graph.requests.length
    const result = await run({ 'log-types': 'audit-logs' })
    expect(result.code).toBe(1)
    expect(tenant.login.redirectedRequests).toBe(redirected)
    expect(tenant.graph.elsewhere.requests.length).toBe(elsewhere)
    // No token, so no Graph request either.
    expect(tenant.graph.requests.length).toBe(graphRequests)
    expect(result.stdout).toMatch(/^::error::.*redirect/im)
    expect(forgedCommands(result.stdout)).toEqual([])
  })
})

describe('library logs', () => {
  it('AZURE_LOG_LEVEL output goes through the log boundary, not raw to stderr', async () => {
    const result = await run({ 'log-types': 'audit-logs' }, { AZURE_LOG_LEVEL: 'verbose' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::debug::azure:identity:/m)
    expect(result.stderr).not.toMatch(/azure:/)
  })
})
