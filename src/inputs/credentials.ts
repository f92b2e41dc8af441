/** Which credential to use, and the secrets behind it: masked first, checked before any network call. */
import * as core from '@actions/core'
import { parseCertificatePem } from './certificate-pem.js'
import { Inputs } from '../constants.js'
import { UserError } from '../errors.js'
import type { AuthMode } from '../settings.js'
import { formatInstant } from '../window.js'
import { readRequired } from './read.js'

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i

const SECRET_UNAVAILABLE_HINT =
  'An empty secret often means it is not available in this context: secrets are not passed ' +
  'to workflows triggered by pull requests from forks or by Dependabot, and a misspelt ' +
  '`secrets.NAME` expands to an empty string.'

export function readTenantId(): string {
  const value = readRequired(Inputs.TenantId)
  if (GUID_RE.test(value) || DOMAIN_RE.test(value)) return value
  throw new UserError(
    `Input '${Inputs.TenantId}' must be the directory (tenant) ID, a GUID, or a verified ` +
      `domain such as contoso.onmicrosoft.com; got '${value}'. ` +
      `('common' and 'organizations' do not work: app-only tokens need a specific tenant.)`
  )
}

export function resolveAuth(
  requested: AuthMode | 'auto',
  facts: {
    hasSecret: boolean
    hasCertificate: boolean
    canMintIdToken: boolean
    warnings: string[]
  }
): AuthMode {
  const { hasSecret, hasCertificate, canMintIdToken, warnings } = facts
  let auth: AuthMode
  if (requested !== 'auto') {
    auth = requested
  } else if (hasSecret) {
    auth = 'client-secret'
  } else if (hasCertificate) {
    auth = 'certificate'
  } else if (canMintIdToken) {
    auth = 'oidc'
  } else {
    throw new UserError(
      `No credential: input '${Inputs.Auth}' is auto, but '${Inputs.ClientSecret}' and ` +
        `'${Inputs.ClientCertificate}' are empty and this job cannot request a GitHub OIDC ` +
        `token. Pass '${Inputs.ClientSecret}' from a repository secret ` +
        '(`client-secret: ${{ secrets.ENTRA_CLIENT_SECRET }}`) or ' +
        `'${Inputs.ClientCertificate}', or for keyless OIDC add \`permissions: id-token: write\` ` +
        `to the job and a federated credential to the app registration. ${SECRET_UNAVAILABLE_HINT}`
    )
  }

  if (auth === 'client-secret' && !hasSecret) {
    throw new UserError(
      `Input '${Inputs.Auth}' is client-secret but '${Inputs.ClientSecret}' is empty. ` +
        SECRET_UNAVAILABLE_HINT
    )
  }
  if (auth === 'certificate' && !hasCertificate) {
    throw new UserError(
      `Input '${Inputs.Auth}' is certificate but '${Inputs.ClientCertificate}' is empty. ` +
        SECRET_UNAVAILABLE_HINT
    )
  }
  if (auth === 'oidc' && !canMintIdToken) {
    throw new UserError(
      `Input '${Inputs.Auth}' is oidc but this job cannot request a GitHub OIDC token: add ` +
        '`permissions: id-token: write` to the job (or workflow). Pull requests from forks ' +
        'never get one.'
    )
  }
  if (hasSecret && auth !== 'client-secret') {
    warnings.push(`Input '${Inputs.ClientSecret}' is set but ignored because auth is ${auth}.`)
  }
  if (hasCertificate && auth !== 'certificate') {
    warnings.push(
      `Input '${Inputs.ClientCertificate}' is set but ignored because auth is ${auth}` +
        (requested === 'auto' ? ' (auto prefers the secret; set auth: certificate).' : '.')
    )
  }
  return auth
}

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/**
 * Masks the certificate input. The runner masks a multi-line value line by line
 * only unreliably, so each line of the private key block is registered too.
 */
export function maskCertificate(pem: string): void {
  if (pem === '') return
  core.setSecret(pem)
  for (const block of pem.match(PEM_BLOCK_RE) ?? []) {
    if (!/PRIVATE KEY-----/.test(block.split(/\r?\n/)[0])) continue
    core.setSecret(block)
    for (const line of block.split(/\r?\n/)) {
      const text = line.trim()
      if (text !== '' && !text.startsWith('-----')) core.setSecret(text)
    }
  }
}

/**
 * Checks the PEM the way the credential will use it (inputs/certificate-pem.ts),
 * so a bad certificate fails here, before any network call, with a fix rather
 * than as an opaque token error. Returns warnings.
 */
export function validateCertificate(pem: string, now: Date): string[] {
  const certificate = parseCertificatePem(pem)
  if (certificate.validTo.getTime() < now.getTime()) {
    return [
      `The certificate in '${Inputs.ClientCertificate}' (thumbprint ${certificate.thumbprint}) expired on ` +
        `${formatInstant(certificate.validTo)}; Entra ID will likely reject it.`
    ]
  }
  return []
}
