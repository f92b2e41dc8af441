/**
 * Issue 3: no secret, certificate key, GitHub ID token or access token appears in
 * any log line except `::add-mask::` (which the runner turns into a mask), in any
 * output, in any file the run wrote (CSV, manifest, summary, GITHUB_OUTPUT), or in
 * the uploaded artifact. The real values come from the simulated tenant, which
 * records every token it handed out.
 */
import type { FakeTenant } from '../fake-tenant/index.js'
import type { RunActionResult } from '../support/run-action.js'
import { commands, filesUnder, run, startSmallTenant } from './auth-support.js'

let tenant: FakeTenant | undefined

afterEach(async () => {
  await tenant?.stop()
  tenant = undefined
})

/** Key body lines long enough not to collide with ordinary text by chance. */
function keyLines(pem: string): string[] {
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(pem)?.[0] ?? ''
  return key
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 16 && !line.startsWith('-----'))
}

interface Leak {
  secret: string
  where: string
}

function findLeaks(t: FakeTenant, result: RunActionResult, secrets: string[]): Leak[] {
  const places: [string, string][] = [
    ...result.stdout
      .split(/\r?\n/)
      .filter(line => !line.startsWith('::add-mask::'))
      .map((line, i): [string, string] => [`stdout line ${i + 1}`, line]),
    ['stderr', result.stderr],
    ['outputs', JSON.stringify(result.outputs)],
    ['summary', result.summary],
    // RUNNER_TEMP holds the output dir, GITHUB_OUTPUT, the summary and HOME.
    ...filesUnder(result.runnerTemp).map(([path, data]): [string, string] => [
      path,
      data.toString('utf8')
    ]),
    ...t.results
      .artifacts()
      .flatMap(a =>
        [...a.files()].map(([name, data]): [string, string] => [
          `artifact ${a.name}/${name}`,
          data.toString('utf8')
        ])
      )
  ]
  const leaks: Leak[] = []
  for (const secret of secrets) {
    for (const [where, text] of places) {
      // Also as the runner would escape it inside a workflow command.
      if (text.includes(secret) || text.includes(secret.replace(/%/g, '%25'))) {
        leaks.push({ secret: `${secret.slice(0, 12)}...`, where })
      }
    }
  }
  return leaks
}

/** Every value must be registered as a mask before it could be printed. */
function expectMasked(result: RunActionResult, secrets: string[]): void {
  const masks = new Set(commands(result, 'add-mask').map(line => line.slice('::add-mask::'.length)))
  expect(secrets.filter(secret => !masks.has(secret)).map(s => `${s.slice(0, 12)}...`)).toEqual([])
}

function expectExportedAndUploaded(t: FakeTenant, result: RunActionResult): void {
  expect(result.code).toBe(0)
  expect(Number(result.outputs['total-rows'])).toBeGreaterThan(0)
  expect(t.results.artifacts()).toHaveLength(1)
}

// RUNNER_DEBUG makes every core.debug line visible, as a re-run with debug logging would.
const debug = { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } }

test('client-secret: the secret and every access token stay out of logs, outputs and files', async () => {
  tenant = await startSmallTenant({
    tokenLifetimeSec: 1,
    graph: { throttle: false, latencyMs: 300 }
  })
  const result = await run(
    tenant,
    { 'client-secret': tenant.clientSecret, 'page-size': '5', 'max-concurrency': '1' },
    debug
  )
  expectExportedAndUploaded(tenant, result)
  const secrets = [tenant.clientSecret, ...tenant.login.issued]
  expect(tenant.login.issued.length).toBeGreaterThan(1)
  expectMasked(result, secrets)
  expect(findLeaks(tenant, result, secrets)).toEqual([])
})

test('certificate: no private key line and no access token leaks', async () => {
  tenant = await startSmallTenant()
  const result = await run(
    tenant,
    { auth: 'certificate', 'client-certificate': tenant.certificatePem },
    debug
  )
  expectExportedAndUploaded(tenant, result)
  const lines = keyLines(tenant.certificatePem)
  expect(lines.length).toBeGreaterThan(10)
  const secrets = [...lines, ...tenant.login.issued]
  expectMasked(result, secrets)
  expect(findLeaks(tenant, result, secrets)).toEqual([])
})

test('oidc: no GitHub ID token, request token or access token leaks', async () => {
  tenant = await startSmallTenant({
    tokenLifetimeSec: 1,
    oidc: { lifetimeSec: 2 },
    graph: { throttle: false, latencyMs: 300 }
  })
  const result = await run(
    tenant,
    { auth: 'oidc', 'page-size': '5', 'max-concurrency': '1' },
    debug
  )
  expectExportedAndUploaded(tenant, result)
  expect(tenant.oidc.minted.length).toBeGreaterThan(1)
  const secrets = [...tenant.oidc.minted, ...tenant.login.issued]
  expectMasked(result, secrets)
  expect(findLeaks(tenant, result, [...secrets, tenant.oidc.requestToken])).toEqual([])
})

test('a failed sign-in prints neither the wrong secret nor the ID token', async () => {
  tenant = await startSmallTenant({ oidc: { subject: 'repo:octo-org/octo-repo:pull_request' } })
  const wrong = `${tenant.clientSecret}-wrong`
  const bySecret = await run(tenant, { 'client-secret': wrong }, debug)
  expect(bySecret.code).toBe(1)
  expect(findLeaks(tenant, bySecret, [wrong])).toEqual([])

  const byOidc = await run(tenant, { auth: 'oidc' }, debug)
  expect(byOidc.code).toBe(1)
  expect(tenant.oidc.minted.length).toBeGreaterThanOrEqual(1)
  expectMasked(byOidc, tenant.oidc.minted)
  expect(findLeaks(tenant, byOidc, tenant.oidc.minted)).toEqual([])
})
