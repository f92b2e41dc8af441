/**
 * Issue 3: every sign-in failure fails the step with ONE actionable message (one
 * `::error::` line, no stack trace), and input problems fail before any request.
 */
import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FakeTenant } from '../fake-tenant/index.js'
import type { RunActionResult } from '../support/run-action.js'
import { expectOneError, outputDir, run, startSmallTenant } from './auth-support.js'

let tenant: FakeTenant | undefined

afterEach(async () => {
  await tenant?.stop()
  tenant = undefined
})

const OTHER_APP = '0e1d2c3b-4a59-4687-9a6b-5c4d3e2f1a0b'

/** Nothing was exported or uploaded after a failed sign-in. */
function expectNothingExported(t: FakeTenant, result: RunActionResult): void {
  expect(t.graph.requests).toEqual([])
  expect(existsSync(join(outputDir(result), 'audit-logs.csv'))).toBe(false)
  expect(t.results.artifacts()).toEqual([])
}

/** Input validation failed: not one request reached any simulated service. */
function expectNoNetwork(t: FakeTenant): void {
  expect({
    login: t.login.requests,
    oidc: t.oidc.requests,
    graph: t.graph.requests,
    results: t.results.calls
  }).toEqual({ login: [], oidc: [], graph: [], results: [] })
}

describe('token endpoint refusals become one fix', () => {
  test('wrong client secret (AADSTS7000215)', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, { 'client-secret': `${tenant.clientSecret}x` })
    const message = expectOneError(result)
    expect(tenant.login.refused).toEqual({ AADSTS7000215: 1 })
    expect(message).toContain(
      `rejected the client secret of app ${tenant.clientId} (AADSTS7000215)`
    )
    expect(message).toContain('Value')
    expect(message).toContain('not its Secret ID')
    expectNothingExported(tenant, result)
  })

  test('expired client secret (AADSTS7000222)', async () => {
    tenant = await startSmallTenant({
      apps: [{ clientId: OTHER_APP, secret: 'old~secret', secretExpired: true }]
    })
    const result = await run(tenant, { 'client-id': OTHER_APP, 'client-secret': 'old~secret' })
    const message = expectOneError(result)
    expect(tenant.login.refused).toEqual({ AADSTS7000222: 1 })
    expect(message).toContain(`The client secret of app ${OTHER_APP} has expired (AADSTS7000222)`)
    expect(message).toContain('auth: oidc')
    expectNothingExported(tenant, result)
  })

  test('unknown tenant (AADSTS90002)', async () => {
    tenant = await startSmallTenant()
    const unknown = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a'
    const result = await run(tenant, {
      'tenant-id': unknown,
      'client-secret': tenant.clientSecret
    })
    const message = expectOneError(result)
    expect(tenant.login.refused.AADSTS90002).toBeGreaterThanOrEqual(1)
    expect(message).toContain(`Tenant '${unknown}' was not found at ${tenant.authorityHost}`)
    expect(message).toContain('tenant-id')
    expectNothingExported(tenant, result)
  })

  test('certificate not registered on the app (AADSTS700027) names its thumbprint', async () => {
    tenant = await startSmallTenant()
    // A valid key + certificate pair, but not the one registered on the app.
    const stranger = `${tenant.pki.serverKeyPem}\n${tenant.pki.serverCertPem}`
    const thumbprint = new X509Certificate(tenant.pki.serverCertPem).fingerprint.replace(/:/g, '')
    const result = await run(tenant, { auth: 'certificate', 'client-certificate': stranger })
    const message = expectOneError(result)
    expect(tenant.login.refused).toEqual({ AADSTS700027: 1 })
    expect(message).toContain('(AADSTS700027)')
    expect(message).toContain(`(thumbprint ${thumbprint})`)
    expect(message).toContain('Certificates & secrets > Certificates')
    expectNothingExported(tenant, result)
  })

  test('OIDC subject without a federated credential (AADSTS70021) prints the sub to add', async () => {
    const subject = 'repo:octo-org/octo-repo:environment:production'
    tenant = await startSmallTenant({ oidc: { subject } })
    const result = await run(tenant, { auth: 'oidc' })
    const message = expectOneError(result)
    expect(tenant.login.refused).toEqual({ AADSTS70021: 1 })
    expect(message).toContain(`No federated credential on app ${tenant.clientId}`)
    expect(message).toMatch(new RegExp(`Subject: +${subject}$`, 'm'))
    expect(message).toContain(`az ad app federated-credential create --id ${tenant.clientId}`)
    expect(message).toContain(`"subject":"${subject}"`)
    expect(message).toContain('"audiences":["api://AzureADTokenExchange"]')
    expectNothingExported(tenant, result)
  })
})

test('unreachable login host: a network explanation, not a tenant one', async () => {
  tenant = await startSmallTenant()
  const closed = await closedPort()
  const result = await run(tenant, {
    'client-secret': tenant.clientSecret,
    'authority-host': `https://localhost:${closed}`
  })
  const message = expectOneError(result)
  expect(message).toContain(
    `Could not reach the Entra ID login endpoint https://localhost:${closed}`
  )
  expectNothingExported(tenant, result)
})

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(error => (error ? reject(error) : resolve(port)))
    })
  })
}

describe('problems found before any request', () => {
  test('auth: oidc without `id-token: write` (no ACTIONS_ID_TOKEN_REQUEST_URL)', async () => {
    tenant = await startSmallTenant()
    const result = await run(
      tenant,
      { auth: 'oidc' },
      {
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }
      }
    )
    const message = expectOneError(result)
    expect(message).toContain('id-token: write')
    expectNoNetwork(tenant)
  })

  test('auth: auto with no credential at all says how to get one', async () => {
    tenant = await startSmallTenant()
    const result = await run(
      tenant,
      {},
      {
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }
      }
    )
    const message = expectOneError(result)
    expect(message).toContain('id-token: write')
    expect(message).toContain('client-secret')
    expectNoNetwork(tenant)
  })

  test('encrypted certificate key is rejected at input validation', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, {
      auth: 'certificate',
      'client-certificate': readFileSync(tenant.encryptedCertificatePath, 'utf8')
    })
    const message = expectOneError(result)
    expect(message).toContain('client-certificate input holds an encrypted private key')
    expect(message).toContain('openssl')
    expectNoNetwork(tenant)
  })

  test('certificate input without the private key', async () => {
    tenant = await startSmallTenant()
    const result = await run(tenant, {
      auth: 'certificate',
      'client-certificate': tenant.pki.clientCertPem
    })
    const message = expectOneError(result)
    expect(message).toContain('client-certificate input must be a PEM with exactly one private key')
    expectNoNetwork(tenant)
  })
})
