/**
 * The fake Entra ID token endpoint (login.microsoftonline.com): OpenID discovery and
 * client-credentials tokens for secrets, certificate assertions and federated (GitHub
 * OIDC) assertions, failing with the same AADSTS codes the real one uses.
 */
import { createPublicKey, type KeyObject, randomUUID, X509Certificate } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { timeValid, verifyJwt } from './assertions.js'
import { listen, readBody, sendJson } from './http-util.js'
import { thumbprint } from './pki.js'
import { type CredentialMode, TokenRegistry } from './tokens.js'

export interface RegisteredApp {
  clientId: string
  secret?: string
  /** The registered secret has passed its end date. */
  secretExpired?: boolean
  /** Registered certificate (PEM; only the certificate block is read). */
  certificatePem?: string
  /** Federated credential subjects trusted for the fake GitHub OIDC issuer. */
  federatedSubjects?: string[]
}

export interface LoginOptions {
  tenantId: string
  /** Domain names accepted in place of the tenant id. */
  domains: string[]
  apps: RegisteredApp[]
  /** The only scope tokens are issued for: `<graph root>/.default`. */
  scope: string
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSec?: number
  /** Federated assertions must come from this issuer, verified with this key. */
  federation: { issuer: string; publicKey: KeyObject; audience: string }
}

export interface FakeLogin {
  url: string
  tokens: TokenRegistry
  /** Token requests refused, by AADSTS code. */
  refused: Record<string, number>
  /** Every request received (`GET /tenant/v2.0/.well-known/...`), in order. */
  requests: string[]
  /** Every access token issued, in order (masking tests look for them in the output). */
  issued: string[]
  options: LoginOptions
  /** Set to answer token requests with a redirect (a misconfigured proxy, a hijacked endpoint). */
  redirect?: { status: 301 | 302 | 303 | 307 | 308; to: 'same-origin' | string }
  /** Token requests that arrived by following a same-origin redirect. */
  redirectedRequests: number
  close(): Promise<void>
}

class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    description: string
  ) {
    super(`AADSTS${aadsts}: ${description}`)
  }
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export async function startLogin(
  opts: LoginOptions,
  tls: { cert: string; key: string },
  tokens = new TokenRegistry()
): Promise<FakeLogin> {
  const refused: Record<string, number> = {}
  const requests: string[] = []
  const issued: string[] = []
  let base = ''

  const knownTenant = (t: string): boolean =>
    t === opts.tenantId || opts.domains.some(d => d.toLowerCase() === t.toLowerCase())

  function metadata(tenant: string): Record<string, unknown> {
    const root = `${base}/${opts.tenantId}`
    return {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic'
      ],
      jwks_uri: `${base}/${opts.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${root}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: new URL(base).host,
      requested_tenant: tenant
    }
  }

  function audiences(tenant: string): Set<string> {
    const set = new Set<string>()
    for (const t of [opts.tenantId, ...opts.domains, tenant]) {
      set.add(`${base}/${t}/oauth2/v2.0/token`)
      set.add(`${base}/${t}/v2.0`)
      set.add(`${base}/${t}`)
    }
    return set
  }

  function authenticate(tenant: string, form: URLSearchParams, app: RegisteredApp): CredentialMode {
    const nowSec = Math.floor(Date.now() / 1000)
    const secret = form.get('client_secret')
    if (secret !== null) {
      if (app.secret === undefined || secret !== app.secret) {
        throw new AadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
        )
      }
      if (app.secretExpired) {
        throw new AadError(
          401,
          'invalid_client',
          7000222,
          `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`
        )
      }
      return 'secret'
    }
    const assertion = form.get('client_assertion')
    if (assertion === null || form.get('client_assertion_type') !== JWT_BEARER) {
      throw new AadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      )
    }
    const parts = assertion.split('.')
    let claims: Record<string, unknown> = {}
    try {
      claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >
    } catch {
      throw new AadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.')
    }
    if (claims.iss === app.clientId && claims.sub === app.clientId) {
      // A certificate credential: self-issued by the app, signed with its private key.
      if (!app.certificatePem) {
        throw new AadError(
          401,
          'invalid_client',
          700027,
          `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]`
        )
      }
      // Like Entra: find the registered key by the assertion's thumbprint, then check the signature.
      const header = jwtHeader(parts[0])
      const thumbOk =
        header.x5t === thumbprint(app.certificatePem, 'sha1') ||
        header['x5t#S256'] === thumbprint(app.certificatePem, 'sha256')
      if (!thumbOk) {
        const x5t = header['x5t#S256'] ?? header.x5t
        const used = Buffer.from(String(x5t), 'base64url').toString('hex').toUpperCase()
        throw new AadError(
          401,
          'invalid_client',
          700027,
          `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${used}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`
        )
      }
      const v = verifyJwt(assertion, new X509Certificate(app.certificatePem).publicKey)
      if (typeof v === 'string') {
        throw new AadError(
          401,
          'invalid_client',
          700027,
          `Client assertion failed signature validation. (${v})`
        )
      }
      if (!audiences(tenant).has(String(claims.aud))) {
        throw new AadError(
          401,
          'invalid_client',
          700212,
          `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`
        )
      }
      if (!timeValid(claims, nowSec)) {
        throw new AadError(
          401,
          'invalid_client',
          700024,
          'Client assertion is not within its valid time range.'
        )
      }
      return 'certificate'
    }
    // A federated credential: an external issuer's token (GitHub OIDC here).
    const fed = opts.federation
    if (claims.iss !== fed.issuer) {
      throw new AadError(
        400,
        'invalid_request',
        700211,
        `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'.`
      )
    }
    const v = verifyJwt(assertion, fed.publicKey)
    if (typeof v === 'string') {
      throw new AadError(
        401,
        'invalid_client',
        700213,
        `Client assertion failed signature validation (${v}).`
      )
    }
    if (!timeValid(claims, nowSec)) {
      throw new AadError(
        400,
        'invalid_client',
        700024,
        'Client assertion is not within its valid time range.'
      )
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (
      !aud.includes(fed.audience) ||
      !(app.federatedSubjects ?? []).includes(String(claims.sub))
    ) {
      throw new AadError(
        400,
        'invalid_request',
        70021,
        `No matching federated identity record found for presented assertion. Assertion Issuer: '${fed.issuer}'. Assertion Subject: '${String(claims.sub)}'. Assertion Audience: '${aud.join(',')}'.`
      )
    }
    return 'federated'
  }

  async function token(tenant: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'))
    if (!knownTenant(tenant)) {
      throw new AadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`
      )
    }
    if (form.get('grant_type') !== 'client_credentials') {
      throw new AadError(
        400,
        'unsupported_grant_type',
        70003,
        'The app requested an unsupported grant type.'
      )
    }
    const clientId = form.get('client_id') ?? ''
    const app = opts.apps.find(a => a.clientId === clientId)
    if (!app) {
      throw new AadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant.`
      )
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean)
    if (!scopes.includes(opts.scope)) {
      throw new AadError(
        400,
        'invalid_scope',
        70011,
        `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopes.join(' ')} is not valid.`
      )
    }
    const mode = authenticate(tenant, form, app)
    const lifetime = opts.tokenLifetimeSec ?? 3600
    const token = tokens.issue(opts.tenantId, app.clientId, mode, lifetime).token
    issued.push(token)
    sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: token
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    requests.push(`${req.method ?? 'GET'} ${url.pathname}`)
    const segs = url.pathname.split('/').filter(Boolean)
    const tenant = segs[0] ?? ''
    const rest = segs.slice(1).join('/')
    try {
      if (
        req.method === 'GET' &&
        (rest === 'v2.0/.well-known/openid-configuration' ||
          rest === '.well-known/openid-configuration')
      ) {
        if (!knownTenant(tenant))
          throw new AadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`)
        return sendJson(res, 200, metadata(tenant))
      }
      if (req.method === 'GET' && rest === 'discovery/v2.0/keys')
        return sendJson(res, 200, { keys: [] })
      if (req.method === 'GET' && tenant === 'common' && rest === 'discovery/instance') {
        // Only reached when a client forgets disableInstanceDiscovery.
        return sendJson(res, 200, {
          tenant_discovery_endpoint: `${base}/${opts.tenantId}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [
            {
              preferred_network: new URL(base).host,
              preferred_cache: new URL(base).host,
              aliases: [new URL(base).host]
            }
          ]
        })
      }
      if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
        if (url.searchParams.has('redirected')) login.redirectedRequests++
        const redirect = login.redirect
        if (redirect && !url.searchParams.has('redirected')) {
          const location =
            redirect.to === 'same-origin'
              ? `${base}${url.pathname}?redirected=1`
              : `${redirect.to}${url.pathname}`
          res.writeHead(redirect.status, { Location: location, 'Content-Type': 'text/plain' })
          res.end(`Moved to ${location}`)
          return
        }
        return await token(tenant, req, res)
      }
      sendJson(res, 404, {
        error: 'not_found',
        error_description: `No route ${req.method} ${url.pathname}`
      })
    } catch (e) {
      if (!(e instanceof AadError)) throw e
      refused[`AADSTS${e.aadsts}`] = (refused[`AADSTS${e.aadsts}`] ?? 0) + 1
      const now = new Date()
      sendJson(res, e.status, {
        error: e.error,
        error_description: `${e.message}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${now.toISOString().replace('T', ' ').slice(0, 19)}Z`,
        error_codes: [e.aadsts],
        timestamp: now.toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
        error_uri: `${base}/error?code=${e.aadsts}`
      })
    }
  }

  const server = await listen(handle, tls)
  base = server.url
  const login: FakeLogin = {
    url: server.url,
    tokens,
    refused,
    requests,
    issued,
    options: opts,
    redirectedRequests: 0,
    close: () => server.close()
  }
  return login
}

function jwtHeader(part: string): Record<string, unknown> {
  try {
    const header: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** Public key of a PEM certificate, for tests that need it. */
export function certificatePublicKey(pem: string): KeyObject {
  return createPublicKey(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' }))
}
