import { UserError, errorMessage } from '../errors.js'
import type { Logger } from '../logger.js'

/** The claims of a GitHub ID token that decide which federated credential matches it. */
export interface AssertionClaims {
  iss?: string
  sub?: string
  aud?: string
}

export interface OidcAssertionOptions {
  /** Milliseconds since the epoch; injectable so tests can move time. */
  clock?: () => number
  /** Fetch a new ID token once the cached one is this close to expiry. */
  refreshBeforeMs?: number
  /** Registers each ID token as a secret before anything could print it. */
  mask?: (value: string) => void
  logger?: Logger
}

export interface OidcAssertionProvider {
  /** The callback for ClientAssertionCredential. */
  getAssertion: () => Promise<string>
  /** Claims of the last ID token fetched, to explain AADSTS70021-style mismatches. */
  readonly claims: AssertionClaims | undefined
}

/** Used when the token's `exp` cannot be read: GitHub ID tokens live about 5 minutes. */
const UNDECODABLE_REFRESH_MS = 4 * 60_000

/**
 * ClientAssertionCredential calls its callback twice per getToken(), even when
 * MSAL answers from its cache, and an export can run for hours while each GitHub
 * ID token lives ~5 minutes. So: one ID token is reused until it nears expiry,
 * and concurrent callers share a single request to GitHub.
 */
export function createOidcAssertionProvider(
  getIDToken: (audience: string) => Promise<string>,
  audience: string,
  options: OidcAssertionOptions = {}
): OidcAssertionProvider {
  const clock = options.clock ?? Date.now
  const refreshBeforeMs = options.refreshBeforeMs ?? 60_000
  let cached: { token: string; refreshAt: number; claims: AssertionClaims } | undefined
  let inFlight: Promise<string> | undefined

  async function fetchToken(): Promise<string> {
    let token: string
    try {
      token = await getIDToken(audience)
    } catch (error) {
      throw explainIdTokenError(error, audience)
    }
    if (typeof token !== 'string' || token === '') {
      throw new UserError(`GitHub returned an empty OIDC ID token for audience '${audience}'.`)
    }
    options.mask?.(token)
    const fetchedAt = clock()
    const payload = decodeJwtPayload(token)
    cached = {
      token,
      refreshAt: fetchedAt + refreshDelay(payload, fetchedAt, refreshBeforeMs),
      claims: {
        iss: stringClaim(payload?.iss),
        sub: stringClaim(payload?.sub),
        aud: Array.isArray(payload?.aud) ? payload.aud.join(' ') : stringClaim(payload?.aud)
      }
    }
    options.logger?.debug(
      `Fetched a GitHub OIDC token (sub: ${cached.claims.sub ?? 'unknown'}); ` +
        `reusing it until ${new Date(cached.refreshAt).toISOString()}`
    )
    return token
  }

  return {
    getAssertion(): Promise<string> {
      if (cached !== undefined && clock() < cached.refreshAt) return Promise.resolve(cached.token)
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined
      })
      return inFlight
    },
    get claims() {
      return cached?.claims
    }
  }
}

/**
 * How long to reuse a token, measured on our clock from when it arrived. The
 * lifetime comes from `exp - iat` when both are present so that a skewed runner
 * clock does not make every call look expired (or never expired).
 */
function refreshDelay(
  payload: Record<string, unknown> | undefined,
  fetchedAt: number,
  refreshBeforeMs: number
): number {
  const exp = numberClaim(payload?.exp)
  if (exp === undefined) return UNDECODABLE_REFRESH_MS
  const iat = numberClaim(payload?.iat)
  const lifetimeMs = iat !== undefined && iat < exp ? (exp - iat) * 1000 : exp * 1000 - fetchedAt
  // A token that is already inside the refresh margin is still used for at least
  // half its remaining life; otherwise each callback would fetch a new one.
  return Math.max(lifetimeMs - refreshBeforeMs, lifetimeMs / 2, 0)
}

export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const json: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function numberClaim(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/**
 * @actions/core reports a job without `id-token: write` as a missing
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN variable, which says nothing about the fix.
 */
function explainIdTokenError(error: unknown, audience: string): UserError {
  const message = errorMessage(error)
  if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(message)) {
    return new UserError(
      'auth: oidc needs a GitHub OIDC token, but this job may not request one. Add\n' +
        '  permissions:\n' +
        '    id-token: write\n' +
        '    contents: read\n' +
        'to the job (or workflow). Workflows triggered by pull requests from forks never get an ' +
        'OIDC token: use another auth mode there.',
      { cause: error }
    )
  }
  return new UserError(
    `Could not get a GitHub OIDC token for audience '${audience}' (check the oidc-audience input): ${message}`,
    { cause: error }
  )
}
