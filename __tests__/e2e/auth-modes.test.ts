/**
 * Issue 3: each auth mode exports data end to end through the bundled action, with
 * the simulated token endpoint verifying the credential (the secret; the
 * certificate assertion's signature and thumbprint; the GitHub OIDC token's
 * issuer signature, audience and subject), and a long export renews its tokens.
 */
import type { FakeTenant } from '../fake-tenant/index.js'
import type { RunActionResult } from '../support/run-action.js'
import { commands, csvIds, expectedFor, run, sorted, startSmallTenant } from './auth-support.js'

let tenant: FakeTenant | undefined

afterEach(async () => {
  await tenant?.stop()
  tenant = undefined
})

type Mode = 'secret' | 'certificate' | 'federated'

function expectExported(t: FakeTenant, result: RunActionResult, mode: Mode): void {
  expect(result.timedOut).toBe(false)
  expect({ code: result.code, errors: commands(result, 'error') }).toEqual({ code: 0, errors: [] })
  // Only the expected kind of credential got tokens, and Graph only saw those tokens.
  const others = (['secret', 'certificate', 'federated'] as const).filter(m => m !== mode)
  expect(t.login.tokens.issuedByMode[mode]).toBeGreaterThanOrEqual(1)
  for (const other of others) expect(t.login.tokens.issuedByMode[other]).toBe(0)
  expect(t.graph.requests.length).toBeGreaterThan(0)
  expect(new Set(t.graph.requests.map(r => r.tokenMode))).toEqual(new Set([mode]))
  expect(t.login.refused).toEqual({})

  const expected = expectedFor(t, result)
  expect(expected.length).toBeGreaterThan(0)
  expect(sorted(csvIds(result, 'audit-logs.csv'))).toEqual(sorted(expected))
  expect(result.outputs['total-rows']).toBe(String(expected.length))
  const artifact = t.results.artifacts()
  expect(artifact.map(a => [...a.files().keys()].sort())).toEqual([
    ['SHA256SUMS', 'audit-logs.csv', 'manifest.json']
  ])
}

describe('each auth mode exports with a verified credential', () => {
  test('client-secret', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, {
      auth: 'client-secret',
      'client-secret': tenant.clientSecret
    })
    expectExported(tenant, result, 'secret')
    expect(result.stdout).toContain(`Signed in as application ${tenant.clientId} (client-secret).`)
  })

  test('certificate: the PEM signs an assertion the endpoint checks against the registered certificate', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, {
      auth: 'certificate',
      'client-certificate': tenant.certificatePem
    })
    expectExported(tenant, result, 'certificate')
    expect(result.stdout).toContain(`(certificate).`)
  })

  test('oidc: a GitHub ID token is exchanged as a federated assertion', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, { auth: 'oidc' })
    expectExported(tenant, result, 'federated')
    expect(tenant.oidc.tokensMinted).toBeGreaterThanOrEqual(1)
    expect(tenant.oidc.requests).toContain('GET /token')
    expect(result.stdout).toContain(`(oidc).`)
  })

  test('auto picks oidc when there is no secret or certificate but the job may mint ID tokens', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, { auth: 'auto' })
    expectExported(tenant, result, 'federated')
    expect(result.stdout).toContain(`(oidc).`)
  })

  test('oidc with a custom audience: the token carries it and the endpoint accepts it', async () => {
    tenant = await startSmallTenant({ federatedAudience: 'api://entra-log-export' })
    const result = await run(tenant, { auth: 'oidc', 'oidc-audience': 'api://entra-log-export' })
    expectExported(tenant, result, 'federated')
  })
})

describe('a long export renews its tokens', () => {
  // 8 pages of 5 records, 600 ms each: the export outlasts several 2 s access tokens.
  const slowGraph = { throttle: false as const, latencyMs: 600 }
  const paging = { 'page-size': '5', 'max-concurrency': '1' }

  function expectRenewed(t: FakeTenant, result: RunActionResult, mode: Mode): void {
    expectExported(t, result, mode)
    const issued = t.login.tokens.issuedByMode[mode]
    expect(issued).toBeGreaterThan(2)
    // Every page went out with a token that was still valid: no 401 reached anyone.
    expect(t.graph.counters.unauthorized).toBe(0)
    expect(t.graph.requests.filter(r => r.status === 401)).toEqual([])
    expect(t.graph.requests.length).toBeGreaterThanOrEqual(8)
  }

  test('client-secret: access tokens are renewed as they expire', async () => {
    tenant = await startSmallTenant({
      dataset: { count: 40 },
      tokenLifetimeSec: 2,
      graph: slowGraph
    })
    const result = await run(tenant, {
      auth: 'client-secret',
      'client-secret': tenant.clientSecret,
      ...paging
    })
    expectRenewed(tenant, result, 'secret')
  })

  test('oidc: the ID token is re-minted near expiry and reused in between', async () => {
    tenant = await startSmallTenant({
      dataset: { count: 40 },
      tokenLifetimeSec: 2,
      graph: slowGraph,
      oidc: { lifetimeSec: 3 }
    })
    const started = Date.now()
    const result = await run(tenant, { auth: 'oidc', ...paging })
    const elapsedSec = (Date.now() - started) / 1000
    expectRenewed(tenant, result, 'federated')
    const minted = tenant.oidc.tokensMinted
    const issued = tenant.login.tokens.issuedByMode.federated
    // Re-minted: the export outlived the first 3 s ID token.
    expect(elapsedSec).toBeGreaterThan(4)
    expect(minted).toBeGreaterThanOrEqual(2)
    // Reused: the credential asks for an assertion twice per token request, so
    // without the cache there would be at least two ID tokens per access token.
    expect(minted).toBeLessThan(issued)
    // At most one per half-lifetime (1.5 s) of the export, plus the first.
    expect(minted).toBeLessThanOrEqual(Math.ceil(elapsedSec / 1.5) + 1)
  })
})
