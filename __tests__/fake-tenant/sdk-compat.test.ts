/**
 * The real client libraries the action uses accept the simulated tenant: @azure/identity
 * (MSAL) for all three credential kinds, the Graph SDK for paging, and
 * @actions/artifact for an upload through the fake results backend.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential
} from '@azure/identity'
import { Client } from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { type FakeTenant, startFakeTenant } from './index.js'

let tenant: FakeTenant

beforeAll(async () => {
  tenant = await startFakeTenant({
    seed: 5,
    now: '2026-10-06T00:00:00Z',
    graph: { throttle: false }
  })
})
afterAll(async () => tenant.stop())

const common = () => ({ authorityHost: tenant.authorityHost, disableInstanceDiscovery: true })

test('@azure/identity obtains tokens with a secret, a certificate and a federated assertion', async () => {
  const scope = `${tenant.graphEndpoint}/.default`
  const secret = new ClientSecretCredential(
    tenant.tenantId,
    tenant.clientId,
    tenant.clientSecret,
    common()
  )
  expect((await secret.getToken(scope)).token).toMatch(/^fake\./)
  const cert = new ClientCertificateCredential(
    tenant.domain,
    tenant.clientId,
    { certificatePath: tenant.certificatePath },
    common()
  )
  expect((await cert.getToken(scope)).token).toMatch(/^fake\./)
  const oidc = new ClientAssertionCredential(
    tenant.tenantId,
    tenant.clientId,
    async () => tenant.oidc.mint('api://AzureADTokenExchange'),
    common()
  )
  expect((await oidc.getToken(scope)).token).toMatch(/^fake\./)
  expect(tenant.login.tokens.issuedByMode).toEqual({ secret: 1, certificate: 1, federated: 1 })
  const wrong = new ClientSecretCredential(tenant.tenantId, tenant.clientId, 'wrong', common())
  await expect(wrong.getToken(scope)).rejects.toThrow(/AADSTS7000215/)
})

test('the Graph SDK pages through the fake Graph', async () => {
  const credential = new ClientSecretCredential(
    tenant.tenantId,
    tenant.clientId,
    tenant.clientSecret,
    common()
  )
  const client = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: [`${tenant.graphEndpoint}/.default`]
    }),
    baseUrl: `${tenant.graphEndpoint}/`,
    customHosts: new Set(['localhost'])
  })
  const first = (await client.api('/auditLogs/directoryAudits').version('v1.0').top(100).get()) as {
    value: unknown[]
    '@odata.nextLink'?: string
  }
  expect(first.value).toHaveLength(100)
  const second = (await client.api(first['@odata.nextLink'] as string).get()) as {
    value: unknown[]
  }
  expect(second.value.length).toBeGreaterThan(0)
  expect(tenant.graph.requests.at(-1)?.skipToken).toBe(true)
})

test('@actions/artifact uploads a zip the fake results backend can unpack', async () => {
  Object.assign(process.env, tenant.runnerEnv(), { GITHUB_SERVER_URL: 'https://github.com' })
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const dir = mkdtempSync(join(tmpdir(), 'fake-artifact-'))
  writeFileSync(join(dir, 'a.csv'), 'id,name\n1,"Zoë, ""Ø"""\n')
  const client = new DefaultArtifactClient()
  const up = await client.uploadArtifact('logs', [join(dir, 'a.csv')], dir, { retentionDays: 1 })
  const [stored] = tenant.results.artifacts()
  expect(stored).toMatchObject({ id: up.id, name: 'logs' })
  expect(stored.files().get('a.csv')?.toString()).toContain('Zoë')
  await expect(client.uploadArtifact('logs', [join(dir, 'a.csv')], dir)).rejects.toThrow(
    /already exists/
  )
})
