import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLOUD_ENDPOINTS } from '../../src/clouds.js'
import type { Settings } from '../../src/settings.js'

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
export const CLIENT_ID = 'af3110ba-0ba9-4412-b1a0-59f50b7e9273'

export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    auth: 'client-secret',
    clientSecret: 'abc8Q~not-a-real-secret-value',
    oidcAudience: 'api://AzureADTokenExchange',
    cloud: 'public',
    authorityHost: CLOUD_ENDPOINTS.public.authorityHost,
    graphEndpoint: CLOUD_ENDPOINTS.public.graphEndpoint,
    logTypes: ['audit-logs'],
    window: { start: new Date('2026-10-05T10:00:00Z'), end: new Date('2026-10-05T11:00:00Z') },
    align: 'hour',
    filter: '',
    formats: { csv: true, jsonl: false },
    columns: 'default',
    outputDir: 'entra-logs',
    upload: false,
    artifactName: 'entra-logs',
    compressionLevel: 6,
    rateLimit: 5,
    maxConcurrency: 2,
    pageSize: 1000,
    escapeFormulas: true,
    maxRowsPerFile: 1_000_000,
    csvBom: false,
    incremental: false,
    stateKey: '',
    overlapMs: 0,
    ...overrides
  }
}

export { recordingLogger, type RecordingLogger } from '../support/recording-logger.js'

/** An unsigned JWT shaped like a GitHub Actions ID token (the cache only reads claims). */
export function githubIdToken(claims: Record<string, unknown>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    aud: 'api://AzureADTokenExchange',
    ...claims
  })}.c2lnbmF0dXJl`
}

export interface TestCertificates {
  /** Unencrypted PKCS#8 RSA key followed by its certificate. */
  rsaPem: string
  rsaKey: string
  rsaCert: string
  /** The same key, PKCS#1 ("BEGIN RSA PRIVATE KEY"), certificate first. */
  rsaPkcs1CertFirst: string
  encryptedPem: string
  ecPem: string
  /** A second certificate whose key is not in any PEM here. */
  otherCert: string
  /** SHA-1 thumbprint of rsaCert, upper-case hex. */
  rsaThumbprint: string
}

/** Real keys and certificates from openssl, since Node cannot issue X.509 certificates. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'))
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  }
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
  try {
    const selfSigned = (keyArgs: string[], key: string, cert: string): void =>
      run(['req', '-x509', ...keyArgs, '-nodes', '-days', '2', '-subj', '/CN=auth-test',
        '-keyout', key, '-out', cert]) // prettier-ignore
    selfSigned(['-newkey', 'rsa:2048'], 'rsa-key.pem', 'rsa-cert.pem')
    selfSigned(['-newkey', 'rsa:2048'], 'other-key.pem', 'other-cert.pem')
    selfSigned(
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
      'ec-key.pem',
      'ec-cert.pem'
    )
    run(['pkcs8', '-topk8', '-in', 'rsa-key.pem', '-passout', 'pass:pw', '-out', 'enc.pem'])
    run(['rsa', '-in', 'rsa-key.pem', '-traditional', '-out', 'pkcs1.pem'])
    const fingerprint = execFileSync(
      'openssl',
      ['x509', '-in', 'rsa-cert.pem', '-noout', '-fingerprint', '-sha1'],
      {
        cwd: dir,
        encoding: 'utf8'
      }
    )
    return {
      rsaPem: read('rsa-key.pem') + read('rsa-cert.pem'),
      rsaKey: read('rsa-key.pem'),
      rsaCert: read('rsa-cert.pem'),
      rsaPkcs1CertFirst: read('rsa-cert.pem') + read('pkcs1.pem'),
      encryptedPem: read('enc.pem') + read('rsa-cert.pem'),
      ecPem: read('ec-key.pem') + read('ec-cert.pem'),
      otherCert: read('other-cert.pem'),
      rsaThumbprint: fingerprint.split('=')[1].trim().replace(/:/g, '')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
