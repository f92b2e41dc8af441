/**
 * The simulated tenant: Entra token endpoint, Microsoft Graph, the GitHub OIDC issuer
 * and the Actions results backend, on ephemeral localhost ports, all deterministic from
 * a seed. Used by tests, benchmarks and the demo.
 */
import { type Dataset, type DatasetOptions, generateDataset } from './dataset.js'
import { type FakeGraph, type GraphBehaviour, startGraph } from './graph.js'
import { type FakeLogin, type RegisteredApp, startLogin } from './login.js'
import { type FakeOidc, type OidcOptions, startOidc } from './oidc.js'
import { CLIENT_KEY_PASSPHRASE, ensurePki, type Pki } from './pki.js'
import { guid, mix, mulberry32 } from './random.js'
import { type FakeResults, startResults } from './results.js'
import { TokenRegistry } from './tokens.js'

export type { Dataset, DatasetOptions, GraphRecord } from './dataset.js'
export { allRecords, expectedIds, generateDataset, recordTime } from './dataset.js'
export type { FakeGraph, GraphBehaviour, GraphFaults, GraphRequestLog } from './graph.js'
export type { FakeLogin, RegisteredApp } from './login.js'
export type { FakeOidc, OidcOptions } from './oidc.js'
export type { FakeResults, StoredArtifact, CacheEntry } from './results.js'
export { signJwt } from './assertions.js'
export { ensurePki, CLIENT_KEY_PASSPHRASE, type Pki } from './pki.js'

export const DEFAULT_FEDERATED_SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'

export interface FakeTenantOptions {
  /** Seed for ids, credentials and records (default 1). */
  seed?: number
  /** "Now" for the default dataset window (the 48 h before it). Default: the real now. */
  now?: Date | string | number
  /** A ready dataset, or options for one (seed/now above apply unless given here). */
  dataset?: Dataset | DatasetOptions
  /** Default: the dataset directory's tenant id. */
  tenantId?: string
  /** Domain accepted in place of the tenant id. Default 'contoso.onmicrosoft.com'. */
  domain?: string
  /** Replaces the default app (secret + certificate + federated subject). */
  apps?: RegisteredApp[]
  /** Access token lifetime; a few seconds forces renewal mid-export. Default 3600. */
  tokenLifetimeSec?: number
  /** Audience federated assertions must carry. Default 'api://AzureADTokenExchange'. */
  federatedAudience?: string
  graph?: GraphBehaviour
  oidc?: OidcOptions
  pkiDir?: string
}

export interface FakeTenant {
  tenantId: string
  domain: string
  /** The default app's client id and secret. */
  clientId: string
  clientSecret: string
  /** PEM with unencrypted PKCS#8 key + certificate registered on the default app. */
  certificatePath: string
  certificatePem: string
  /** Same certificate, key encrypted with `certificatePassphrase` (negative tests). */
  encryptedCertificatePath: string
  certificatePassphrase: string
  /** e.g. https://localhost:PORT (no trailing slash). */
  authorityHost: string
  /** e.g. https://localhost:PORT (no version segment). */
  graphEndpoint: string
  /** CA to trust (NODE_EXTRA_CA_CERTS). */
  caPath: string
  pki: Pki
  dataset: Dataset
  graph: FakeGraph
  login: FakeLogin
  oidc: FakeOidc
  results: FakeResults
  /** Runner variables that point an action at this tenant (OIDC + results backend). */
  runnerEnv(): Record<string, string>
  stop(): Promise<void>
}

function isDataset(d: Dataset | DatasetOptions | undefined): d is Dataset {
  return d !== undefined && typeof (d as Dataset).store === 'function'
}

export async function startFakeTenant(options: FakeTenantOptions = {}): Promise<FakeTenant> {
  const seed = options.seed ?? 1
  const pki = ensurePki(options.pkiDir)
  const tls = { cert: pki.serverCertPem, key: pki.serverKeyPem }
  const dataset = isDataset(options.dataset)
    ? options.dataset
    : generateDataset({ seed, now: options.now, ...options.dataset })
  const rng = mulberry32(mix(seed, 0xc11e))
  const tenantId = options.tenantId ?? dataset.directory.tenantId
  const domain = options.domain ?? dataset.directory.domain
  const clientId = guid(rng)
  const clientSecret = `fake~${guid(rng).replace(/-/g, '')}`
  const apps = options.apps ?? [
    {
      clientId,
      secret: clientSecret,
      certificatePem: pki.clientCertPem,
      federatedSubjects: [DEFAULT_FEDERATED_SUBJECT]
    }
  ]

  const tokens = new TokenRegistry()
  const started: { close(): Promise<void> }[] = []
  try {
    const oidc = await startOidc(tls, { ...options.oidc })
    started.push(oidc)
    // The Graph must exist first: its URL is the scope the token endpoint accepts.
    // The tenant's "now" decides its retention edge: the given now, else the dataset's end.
    const datasetNow = isDataset(options.dataset) ? undefined : options.dataset?.now
    const nowOption = options.now ?? datasetNow
    const now =
      nowOption !== undefined ? new Date(nowOption).getTime() : dataset.window.end.getTime()
    const graph = await startGraph({ dataset, tokens, tls, behaviour: options.graph, now })
    started.push(graph)
    const login = await startLogin(
      {
        tenantId,
        domains: [domain],
        apps,
        scope: `${graph.url}/.default`,
        tokenLifetimeSec: options.tokenLifetimeSec,
        federation: {
          issuer: oidc.issuer,
          publicKey: oidc.publicKey,
          audience: options.federatedAudience ?? 'api://AzureADTokenExchange'
        }
      },
      tls,
      tokens
    )
    started.push(login)
    const results = await startResults()
    started.push(results)
    return {
      tenantId,
      domain,
      clientId,
      clientSecret,
      certificatePath: pki.clientPemPath,
      certificatePem: pki.clientPem,
      encryptedCertificatePath: pki.clientEncryptedPemPath,
      certificatePassphrase: CLIENT_KEY_PASSPHRASE,
      authorityHost: login.url,
      graphEndpoint: graph.url,
      caPath: pki.caPath,
      pki,
      dataset,
      graph,
      login,
      oidc,
      results,
      runnerEnv: () => ({
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
        ACTIONS_RUNTIME_TOKEN: results.runtimeToken,
        ACTIONS_RESULTS_URL: `${results.url}/`,
        ACTIONS_CACHE_SERVICE_V2: 'true'
      }),
      stop: async () => {
        await Promise.all(started.map(s => s.close()))
      }
    }
  } catch (e) {
    await Promise.all(started.map(s => s.close()))
    throw e
  }
}
