/**
 * The fake GitHub Actions OIDC issuer (token.actions.githubusercontent.com plus the
 * runner's ACTIONS_ID_TOKEN_REQUEST_URL endpoint). @actions/core appends
 * `&audience=...` to the request URL, so the URL handed out already carries a query.
 */
import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { signJwt } from './assertions.js'
import { listen, sendJson } from './http-util.js'

export interface OidcOptions {
  /** `sub` claim (default 'repo:octo-org/octo-repo:ref:refs/heads/main'). */
  subject?: string
  /** Token lifetime in seconds (default 300, like GitHub's). */
  lifetimeSec?: number
  repository?: string
  ref?: string
}

export interface FakeOidc {
  url: string
  issuer: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL. */
  requestUrl: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  publicKey: KeyObject
  /** Mutable: tests change subject/lifetime between runs. */
  options: OidcOptions
  tokensMinted: number
  /** Every ID token minted, in order (masking tests look for them in the output). */
  minted: string[]
  /** Every request received (`GET /token`), in order. */
  requests: string[]
  /** Mint a token directly (tests that build assertions without the HTTP round trip). */
  mint(audience: string, overrides?: Record<string, unknown>): string
  close(): Promise<void>
}

export async function startOidc(
  tls: { cert: string; key: string },
  options: OidcOptions = {}
): Promise<FakeOidc> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomBytes(8).toString('hex')
  const requestToken = `oidc-request-${randomBytes(12).toString('hex')}`
  let base = ''

  const state: FakeOidc = {
    url: '',
    issuer: '',
    requestUrl: '',
    requestToken,
    publicKey,
    options,
    tokensMinted: 0,
    minted: [],
    requests: [],
    mint(audience, overrides = {}) {
      const now = Math.floor(Date.now() / 1000)
      const o = state.options
      const repository = o.repository ?? 'octo-org/octo-repo'
      const ref = o.ref ?? 'refs/heads/main'
      state.tokensMinted++
      const token = signJwt(
        { alg: 'RS256', kid, x5t: kid },
        {
          jti: randomUUID(),
          sub: o.subject ?? `repo:${repository}:ref:${ref}`,
          aud: audience,
          ref,
          sha: 'a'.repeat(40),
          repository,
          repository_owner: repository.split('/')[0],
          run_id: '4242',
          run_number: '7',
          run_attempt: '1',
          actor: 'octocat',
          workflow: 'export-logs',
          event_name: 'schedule',
          ref_type: 'branch',
          job_workflow_ref: `${repository}/.github/workflows/export.yml@${ref}`,
          runner_environment: 'github-hosted',
          iss: state.issuer,
          nbf: now - 5,
          iat: now,
          exp: now + (o.lifetimeSec ?? 300),
          ...overrides
        },
        privateKey
      )
      state.minted.push(token)
      return token
    },
    close: async () => undefined
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', base)
    state.requests.push(`${req.method ?? 'GET'} ${url.pathname}`)
    if (url.pathname === '/.well-known/openid-configuration') {
      return sendJson(res, 200, {
        issuer: state.issuer,
        jwks_uri: `${base}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid']
      })
    }
    if (url.pathname === '/.well-known/jwks') {
      const jwk = publicKey.export({ format: 'jwk' })
      return sendJson(res, 200, { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] })
    }
    if (url.pathname === '/token' && req.method === 'GET') {
      if (req.headers.authorization !== `Bearer ${requestToken}`) {
        return sendJson(res, 401, { message: 'Bad credentials' })
      }
      return sendJson(res, 200, { value: state.mint(url.searchParams.get('audience') ?? base) })
    }
    sendJson(res, 404, { message: 'Not Found' })
  }

  const server = await listen(handle, tls)
  base = server.url
  state.url = server.url
  state.issuer = server.url
  state.requestUrl = `${server.url}/token?api-version=2.0`
  state.close = () => server.close()
  return state
}
