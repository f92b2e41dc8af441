import { graphScope } from '../clouds.js'
import { UserError } from '../errors.js'
import { safeLogText } from '../log-text.js'
import type { Settings } from '../settings.js'
import { parseCertificatePem } from '../inputs/certificate-pem.js'
import type { AssertionClaims } from './oidc-assertion.js'

export interface AuthErrorContext {
  /** Claims of the GitHub ID token last presented, when auth is oidc. */
  assertion?: AssertionClaims
}

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

/** Node error codes that mean the login host could not be reached or trusted. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

type Explainer = (text: string, s: Settings, ctx: AuthErrorContext, code: string) => string

// Keyed by the full number: prefixes collide (70021 vs 700213, 70002 vs 7000215).
const BY_CODE: Record<string, Explainer> = {
  '7000215': (_t, s, _c, code) =>
    `Entra ID rejected the client secret of app ${s.clientId} (${code}). The client-secret input ` +
    'must hold the secret\u2019s Value (shown once, when the secret is created), not its Secret ID.',
  '7000222': (_t, s, _c, code) =>
    `The client secret of app ${s.clientId} has expired (${code}). Create a new one under App ` +
    'registrations > Certificates & secrets and update the secret passed as client-secret, or ' +
    'switch to `auth: oidc` so there is no secret to expire.',
  '90002': (_t, s, _c, code) =>
    `Tenant '${s.tenantId}' was not found at ${s.authorityHost} (${code}). Check the tenant-id ` +
    'input (the Directory (tenant) ID or a verified domain) and that the cloud / authority-host ' +
    'inputs name the cloud the tenant lives in.',
  '700016': (_t, s, _c, code) =>
    `No app with client ID ${s.clientId} exists in tenant '${s.tenantId}' (${code}). Check that ` +
    'client-id is the Application (client) ID of an app registered in, or consented to by, the ' +
    'tenant given as tenant-id, and that the cloud input matches where it is registered.',
  '70021': explainNoFederatedMatch,
  '700211': explainNoFederatedMatch,
  '700212': explainNoFederatedMatch,
  '700213': explainNoFederatedMatch,
  '7002137': explainNoFederatedMatch,
  '7002138': explainNoFederatedMatch,
  '700024': explainExpiredAssertion,
  '700027': (text, s, _c, code) => {
    // The SHA-1 thumbprint is what the portal lists; Entra may quote the SHA-256 one.
    const thumbprint =
      certificateThumbprint(s) ??
      /Thumbprint of key used by client:\s*'([0-9A-Fa-f]+)'/.exec(text)?.[1]
    return (
      `Entra ID could not verify the certificate-signed assertion for app ${s.clientId} (${code}). ` +
      'Upload the public part of the certificate in the client-certificate input' +
      (thumbprint === undefined ? '' : ` (thumbprint ${thumbprint})`) +
      ' to the app registration under Certificates & secrets > Certificates, and check that it has ' +
      'not expired.'
    )
  },
  '65001': explainConsent,
  '650057': explainConsent,
  '70011': explainCloudMismatch,
  '500011': explainCloudMismatch
}

/**
 * Turns an @azure/identity / MSAL / fetch error into one UserError that says
 * which input to fix; the original stays as `cause`. Anything unrecognised is
 * returned unchanged so the caller can rethrow it as is.
 */
export function explainAuthError(
  error: unknown,
  settings: Settings,
  context: AuthErrorContext = {}
): unknown {
  const chain = causeChain(error)
  // An explanation made deeper down (e.g. by the OIDC callback, which MSAL then
  // wraps in AuthenticationRequiredError) is already the best message.
  const explained = chain.find((e): e is UserError => e instanceof UserError)
  if (explained !== undefined) return explained

  const text = chain.map(e => (e instanceof Error ? e.message : String(e))).join('\n')
  for (const match of text.matchAll(/AADSTS(\d+)/g)) {
    const explain = BY_CODE[match[1]]
    if (explain !== undefined) {
      return new UserError(explain(text, settings, context, match[0]), { cause: error })
    }
  }
  const message = explainWithoutCode(text, chain, settings)
  return message === undefined ? error : new UserError(message, { cause: error })
}

function explainWithoutCode(text: string, chain: unknown[], s: Settings): string | undefined {
  if (/Azure CLI could not be found|az:.*not found|'az' is not recognized/.test(text)) {
    return (
      'auth: azure-cli needs the Azure CLI (az), which is not installed on this runner. Use a ' +
      'runner image that has it, or use `auth: oidc` instead.'
    )
  }
  if (/az login/.test(text)) {
    return (
      'auth: azure-cli found no Azure CLI session. Run azure/login earlier in the same job, ' +
      `signed in to tenant '${s.tenantId}'` +
      (s.cloud === 'public' ? '' : ` with the ${s.cloud} cloud as its environment`) +
      ', or use `auth: oidc` instead.'
    )
  }
  if (/consent_required|admin consent/i.test(text)) return explainConsent(text, s, {}, 'consent')
  if (s.auth === 'azure-cli') return undefined // az reaches its own login host, not authority-host
  const code = chain
    .map(e => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined))
    .find((c): c is string => typeof c === 'string' && NETWORK_CODES.has(c))
  const msal = /endpoints_resolution_error|network_error/.exec(text)?.[0]
  if (code !== undefined || msal !== undefined) {
    return (
      `Could not reach the Entra ID login endpoint ${s.authorityHost} (${code ?? msal}). Check ` +
      'the cloud and authority-host inputs, and that the runner can reach that host over HTTPS ' +
      '(proxy, firewall; a TLS-inspecting proxy needs its CA in NODE_EXTRA_CA_CERTS).'
    )
  }
  return undefined
}

function explainNoFederatedMatch(
  text: string,
  s: Settings,
  ctx: AuthErrorContext,
  code: string
): string {
  const quoted = (label: string): string | undefined =>
    new RegExp(`Assertion ${label}:\\s*'([^']*)'`, 'i').exec(text)?.[1] ??
    new RegExp(`presented assertion ${label}\\s*'([^']*)'`, 'i').exec(text)?.[1]
  const issuer = quoted('issuer') ?? ctx.assertion?.iss
  const subject = quoted('subject') ?? ctx.assertion?.sub
  const audience = quoted('audience') ?? ctx.assertion?.aud ?? s.oidcAudience
  const shownSubject = subject ?? '<the subject printed by this job>'
  const params = JSON.stringify({
    name: 'github-entra-log-export',
    issuer: GITHUB_ISSUER,
    subject: shownSubject,
    audiences: [audience]
  })
  return [
    `No federated credential on app ${s.clientId} matches this workflow's GitHub OIDC token (${code}).`,
    `  Issuer:   ${issuer ?? 'unknown'}`,
    `  Subject:  ${subject ?? 'unknown'}`,
    `  Audience: ${audience}`,
    'Add a federated credential to the app registration (Certificates & secrets > Federated ' +
      `credentials) with issuer ${GITHUB_ISSUER}, exactly this subject (matching is ` +
      `case-sensitive) and audience ${audience} (the oidc-audience input). Subjects look like ` +
      'repo:<owner>/<repo>:ref:refs/heads/main for a branch, or ' +
      'repo:<owner>/<repo>:environment:<name> for a job that uses an environment. With the CLI:',
    `  az ad app federated-credential create --id ${s.clientId} --parameters '${params}'`
  ].join('\n')
}

function explainExpiredAssertion(
  _text: string,
  s: Settings,
  _c: AuthErrorContext,
  code: string
): string {
  if (s.auth === 'azure-cli') {
    return (
      `The Azure CLI session presented an expired federated assertion (${code}): azure/login ` +
      'signs in with a GitHub OIDC token that expires after about 5 minutes, and the CLI cannot ' +
      'renew it. Run this action right after azure/login, or better use `auth: oidc` (with ' +
      'client-id and tenant-id) so the action fetches fresh OIDC tokens itself.'
    )
  }
  return (
    `Entra ID found the client assertion outside its valid time range (${code}). The assertion ` +
    'is created moments before each token request, so the runner\u2019s clock is probably wrong.'
  )
}

function explainConsent(_text: string, s: Settings, _c: AuthErrorContext, code: string): string {
  return (
    `App ${s.clientId} has no admin consent for the Microsoft Graph permission it needs (${code}). ` +
    'In the app registration, under API permissions, add the Microsoft Graph application ' +
    `permissions AuditLog.Read.All and Directory.Read.All (the API reference lists both for ` +
    `these reports) and grant admin consent for tenant '${s.tenantId}' ` +
    `(or run: az ad app permission admin-consent --id ${s.clientId}).`
  )
}

function explainCloudMismatch(_t: string, s: Settings, _c: AuthErrorContext, code: string): string {
  return (
    `Entra ID at ${s.authorityHost} rejected the token scope ${graphScope(s.graphEndpoint)} ` +
    `(${code}). The Graph endpoint must belong to the same cloud as the login endpoint: check ` +
    'the cloud, graph-endpoint and authority-host inputs.'
  )
}

/**
 * MSAL reads the tenant's OpenID configuration before asking for a token and
 * reports any failure there as endpoints_resolution_error, dropping Entra's
 * answer: an unknown tenant (AADSTS90002) then looks like an unreachable host.
 * One request for that document tells the two apart. Returns Entra's error
 * description when it gave one.
 */
export async function probeOpenIdConfiguration(
  settings: Pick<Settings, 'authorityHost' | 'tenantId'>,
  fetchImpl: typeof fetch = fetch
): Promise<string | undefined> {
  const url =
    `${settings.authorityHost}/${encodeURIComponent(settings.tenantId)}` +
    '/v2.0/.well-known/openid-configuration'
  try {
    // Never follow a redirect: only the login endpoint's own answer is worth showing.
    const response = await fetchImpl(url, {
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual'
    })
    if (response.ok || (response.status >= 300 && response.status < 400)) return undefined
    const body = (await response.json()) as { error_description?: unknown }
    const description = body.error_description
    return typeof description === 'string' && /AADSTS\d+/.test(description)
      ? safeLogText(description)
      : undefined
  } catch {
    return undefined // unreachable, or not JSON: the network explanation stands
  }
}

/** True when MSAL could not load the authority's metadata (see probeOpenIdConfiguration). */
export function isEndpointResolutionError(error: unknown): boolean {
  return causeChain(error).some(
    e => e instanceof Error && /endpoints_resolution_error/.test(e.message)
  )
}

function certificateThumbprint(s: Settings): string | undefined {
  if (s.auth !== 'certificate' || s.clientCertificate === undefined) return undefined
  try {
    return parseCertificatePem(s.clientCertificate).thumbprint
  } catch {
    return undefined
  }
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  let current = error
  while (
    current !== undefined &&
    current !== null &&
    chain.length < 10 &&
    !chain.includes(current)
  ) {
    chain.push(current)
    current = current instanceof Error ? current.cause : undefined
  }
  return chain
}
