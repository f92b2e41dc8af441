/**
 * A throwaway PKI for the simulated tenant: a CA that test processes trust through
 * NODE_EXTRA_CA_CERTS, a localhost server certificate (the Azure SDKs insist on https
 * authorities), and a client certificate for certificate-credential tests.
 */
import { execFileSync } from 'node:child_process'
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface Pki {
  dir: string
  caPath: string
  caPem: string
  serverCertPem: string
  serverKeyPem: string
  /** PEM with an unencrypted PKCS#8 private key followed by the certificate. */
  clientPemPath: string
  clientPem: string
  /** Certificate only (what gets registered on the app). */
  clientCertPem: string
  clientKeyPem: string
  /** Same key and certificate, key encrypted with CLIENT_KEY_PASSPHRASE. */
  clientEncryptedPemPath: string
  clientEncryptedPem: string
  /** base64url SHA-1 of the DER certificate (JWT `x5t`). */
  clientThumbprintSha1: string
  /** base64url SHA-256 of the DER certificate (JWT `x5t#S256`). */
  clientThumbprintSha256: string
}

export const CLIENT_KEY_PASSPHRASE = 'fake-tenant-passphrase'

const FILES = [
  'ca.pem',
  'ca-key.pem',
  'server.pem',
  'server-key.pem',
  'client.pem',
  'client-encrypted.pem'
]

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function generate(dir: string): void {
  mkdirSync(dir, { recursive: true })
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
    '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=entra-log-export test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'
  ]) // prettier-ignore
  openssl(dir, [
    'req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-keyout', 'server-key.pem',
    '-out', 'server.csr', '-subj', '/CN=localhost'
  ]) // prettier-ignore
  writeFileSync(
    join(dir, 'server-ext.cnf'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
      'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n'
  )
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem',
    '-CAcreateserial', '-out', 'server.pem', '-days', '825', '-sha256',
    '-extfile', 'server-ext.cnf'
  ]) // prettier-ignore
  // The client certificate is self-signed, as app registration certificates usually are.
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
    '-keyout', 'client-key.tmp.pem', '-out', 'client-cert.tmp.pem',
    '-subj', '/CN=entra-log-export test client'
  ]) // prettier-ignore
  const key = createPrivateKey(readFileSync(join(dir, 'client-key.tmp.pem')))
  const cert = readFileSync(join(dir, 'client-cert.tmp.pem'), 'utf8')
  const plain = key.export({ type: 'pkcs8', format: 'pem' }).toString()
  const encrypted = key
    .export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: CLIENT_KEY_PASSPHRASE
    })
    .toString()
  writeFileSync(join(dir, 'client.pem'), plain + cert)
  writeFileSync(join(dir, 'client-encrypted.pem'), encrypted + cert)
  for (const f of ['server.csr', 'server-ext.cnf', 'ca.srl', 'client-key.tmp.pem']) {
    rmSync(join(dir, f), { force: true })
  }
  rmSync(join(dir, 'client-cert.tmp.pem'), { force: true })
}

function certificateBlock(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(pem)
  if (!m) throw new Error('no certificate in PEM')
  return m[0]
}

function privateKeyBlock(pem: string): string {
  const m = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(pem)
  if (!m) throw new Error('no private key in PEM')
  return m[0]
}

export function thumbprint(certPem: string, algorithm: 'sha1' | 'sha256'): string {
  const der = new X509Certificate(certPem).raw
  return createHash(algorithm).update(der).digest('base64url')
}

/**
 * Creates the PKI once (idempotent). Generation happens in a private directory renamed
 * into place, so parallel jest workers racing here never see half-written files.
 */
export function ensurePki(dir = '.tmp/pki'): Pki {
  const abs = resolve(dir)
  if (!FILES.every(f => existsSync(join(abs, f)))) {
    const staging = `${abs}.staging-${process.pid}-${Date.now()}`
    generate(staging)
    rmSync(abs, { recursive: true, force: true })
    try {
      renameSync(staging, abs)
    } catch {
      // Another process won the race; its files are as good as ours.
      rmSync(staging, { recursive: true, force: true })
    }
  }
  const read = (f: string): string => readFileSync(join(abs, f), 'utf8')
  const clientPem = read('client.pem')
  const clientCertPem = certificateBlock(clientPem)
  return {
    dir: abs,
    caPath: join(abs, 'ca.pem'),
    caPem: read('ca.pem'),
    serverCertPem: read('server.pem'),
    serverKeyPem: read('server-key.pem'),
    clientPemPath: join(abs, 'client.pem'),
    clientPem,
    clientCertPem,
    clientKeyPem: privateKeyBlock(clientPem),
    clientEncryptedPemPath: join(abs, 'client-encrypted.pem'),
    clientEncryptedPem: read('client-encrypted.pem'),
    clientThumbprintSha1: thumbprint(clientCertPem, 'sha1'),
    clientThumbprintSha256: thumbprint(clientCertPem, 'sha256')
  }
}
