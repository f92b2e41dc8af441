import { execFile } from 'node:child_process'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'

export interface AzureCliOptions {
  tenantId: string
  /** az can hang on a prompt or a slow network; fail instead of stalling the job. */
  timeoutMs: number
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number
}

/** Ask az again once the cached token is this close to expiry. */
const REFRESH_BEFORE_MS = 5 * 60_000

/**
 * Reuses the Azure CLI session of an earlier azure/login step, like
 * @azure/identity's AzureCliCredential, with two differences that matter here:
 * - az's own error text is kept. AzureCliCredential replaces any stderr that
 *   mentions `az login` with "Please run 'az login'", and az ends every Entra
 *   error with that advice, so AADSTS700024 (azure/login's OIDC assertion
 *   expired after ~5 minutes) became "not logged in".
 * - the token is reused until near expiry, instead of starting az (about a
 *   second each) for every Graph page.
 */
export class AzureCliSessionCredential implements TokenCredential {
  private cached: { scope: string; token: AccessToken } | undefined

  constructor(private readonly options: AzureCliOptions) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes[0] : scopes
    const now = (this.options.clock ?? Date.now)()
    const cached = this.cached
    if (cached?.scope === scope && cached.token.expiresOnTimestamp - REFRESH_BEFORE_MS > now) {
      return cached.token
    }
    const token = parseReply(
      await this.runAz(
        scope.replace(/\/\.default$/, ''),
        options?.abortSignal as AbortSignal | undefined
      )
    )
    this.cached = { scope, token }
    return token
  }

  /** `signal` ends az early (a timed-out or cancelled token request must not leave it running). */
  private runAz(resource: string, signal?: AbortSignal): Promise<string> {
    const args = ['account', 'get-access-token', '--output', 'json', '--resource', resource]
    args.push('--tenant', this.options.tenantId)
    // On Windows az is az.cmd, which Node runs only through cmd.exe; the arguments
    // are a URL and a tenant id, nothing cmd.exe would interpret.
    const [file, argv] =
      process.platform === 'win32' ? ['cmd.exe', ['/d', '/s', '/c', 'az', ...args]] : ['az', args]
    return new Promise((resolve, reject) => {
      execFile(
        file,
        argv,
        { timeout: this.options.timeoutMs, encoding: 'utf8', windowsHide: true, signal },
        (error, stdout, stderr) => {
          if (error === null) return resolve(stdout)
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            return reject(
              new Error('Azure CLI could not be found (az is not on PATH).', { cause: error })
            )
          }
          const detail = stderr.trim() || error.message
          reject(new Error(`az account get-access-token failed: ${detail}`, { cause: error }))
        }
      )
    })
  }
}

function parseReply(stdout: string): AccessToken {
  let reply: { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown }
  try {
    reply = JSON.parse(stdout) as typeof reply
  } catch {
    // Never echo stdout: it may hold a token.
    throw new Error('az account get-access-token printed something other than JSON.')
  }
  if (typeof reply.accessToken !== 'string' || reply.accessToken === '') {
    throw new Error('az account get-access-token printed no accessToken.')
  }
  // expires_on (epoch seconds) since az 2.54; expiresOn is local time without a zone.
  const seconds = Number(reply.expires_on)
  const expiresOnTimestamp = Number.isFinite(seconds)
    ? seconds * 1000
    : new Date(String(reply.expiresOn)).getTime()
  if (!Number.isFinite(expiresOnTimestamp)) {
    throw new Error('az account get-access-token printed no valid expiry (expires_on/expiresOn).')
  }
  return { token: reply.accessToken, expiresOnTimestamp }
}
