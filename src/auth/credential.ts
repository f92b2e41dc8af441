import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
  type TokenCredentialOptions
} from '@azure/identity'
import { CLOUD_ENDPOINTS } from '../clouds.js'
import { UserError, errorMessage } from '../errors.js'
import { safeLogText } from '../log-text.js'
import type { Logger } from '../logger.js'
import type { AuthMode, Settings } from '../settings.js'
import {
  explainAuthError,
  isEndpointResolutionError,
  probeOpenIdConfiguration
} from './auth-errors.js'
import { AzureCliSessionCredential } from './azure-cli.js'
import {
  BoundedCredential,
  DEFAULT_TOKEN_BUDGET,
  timeoutHttpClient,
  withTimeout,
  type TokenBudget
} from './bounded-credential.js'
import { parseCertificatePem } from '../inputs/certificate-pem.js'
import {
  createOidcAssertionProvider,
  type AssertionClaims,
  type OidcAssertionProvider
} from './oidc-assertion.js'

// main.ts takes both from here: the credential and the translation of its failures.
export { explainAuthError } from './auth-errors.js'

/** Everything auth needs from GitHub Actions, so this module never imports @actions/core. */
export interface AuthBoundary {
  /** GitHub OIDC: core.getIDToken(audience) in production. */
  getIDToken(audience: string): Promise<string>
  /** core.setSecret in production: called for every token/assertion before anything could print it. */
  mask(value: string): void
  logger: Logger
  /** Aborts every token request in flight (the run was cancelled). */
  cancel?: AbortSignal
  /** The runner's ACTIONS_ID_TOKEN_REQUEST_URL, only to name its host when it does not answer. */
  idTokenRequestUrl?: string
}

/** The credential handed to the Graph client: masks tokens and explains failures. */
export interface ExportCredential extends TokenCredential {
  readonly kind: AuthMode
  /** The @azure/identity credential doing the work. */
  readonly inner: TokenCredential
}

/** az can hang on a prompt or a slow network; fail instead of stalling the job. */
const AZ_TIMEOUT_MS = 60_000

export function createCredential(settings: Settings, boundary: AuthBoundary): ExportCredential {
  const { tenantId, clientId } = settings
  const redirects: RefusedRedirects = {}
  const options = {
    ...authorityOptions(settings.authorityHost, redirects),
    httpClient: timeoutHttpClient(DEFAULT_TOKEN_BUDGET.timeoutMs, boundary.cancel)
  }
  let oidc: OidcAssertionProvider | undefined
  let inner: TokenCredential

  switch (settings.auth) {
    case 'client-secret': {
      const secret = required(settings.clientSecret, 'client-secret', settings.auth)
      boundary.mask(secret)
      inner = new ClientSecretCredential(tenantId, clientId, secret, options)
      break
    }
    case 'certificate': {
      const pem = required(settings.clientCertificate, 'client-certificate', settings.auth)
      boundary.mask(pem)
      const certificate = parseCertificatePem(pem)
      maskKey(certificate.privateKeyPem, boundary.mask)
      boundary.logger.debug(
        `Using certificate ${certificate.thumbprint}, valid until ${certificate.validTo.toISOString()}`
      )
      // In memory only: the key is never written to disk. No x5c header, since
      // the certificate is registered on the app rather than trusted by issuer.
      inner = new ClientCertificateCredential(
        tenantId,
        clientId,
        { certificate: certificate.pem },
        { ...options, sendCertificateChain: false }
      )
      break
    }
    case 'oidc': {
      oidc = createOidcAssertionProvider(
        // @actions/core sets no timeout on this request: bound it like the token request.
        audience =>
          withTimeout(
            () => boundary.getIDToken(audience),
            DEFAULT_TOKEN_BUDGET.timeoutMs,
            `GitHub's OIDC token endpoint (${idTokenHost(boundary.idTokenRequestUrl)}) did not answer within ${DEFAULT_TOKEN_BUDGET.timeoutMs / 1000} s`
          ),
        settings.oidcAudience,
        { mask: value => boundary.mask(value), logger: boundary.logger }
      )
      inner = new ClientAssertionCredential(tenantId, clientId, oidc.getAssertion, options)
      break
    }
    case 'azure-cli':
      // az uses the cloud and authority it was logged in with, not authority-host.
      inner = new AzureCliSessionCredential({ tenantId, timeoutMs: AZ_TIMEOUT_MS })
      break
  }
  return maskingCredential(inner, {
    kind: settings.auth,
    settings,
    boundary,
    assertionClaims: () => oidc?.claims,
    redirects
  })
}

/**
 * Options shared by the MSAL-based credentials. MSAL only knows the metadata of
 * Microsoft's own login hosts; for any other host (a private cloud, the test
 * tenant) instance discovery fails with endpoints_resolution_error.
 */
export function authorityOptions(
  authorityHost: string,
  redirects: RefusedRedirects = {}
): {
  authorityHost: string
  disableInstanceDiscovery?: boolean
} & NoRedirects {
  const noRedirects = refuseRedirects(redirects)
  return isKnownAuthorityHost(authorityHost)
    ? { authorityHost, ...noRedirects }
    : { authorityHost, disableInstanceDiscovery: true, ...noRedirects }
}

/** The last redirect refused: MSAL reports it only as network_error, so the reason is kept here. */
export interface RefusedRedirects {
  message?: string
}

type NoRedirects = Required<Pick<TokenCredentialOptions, 'redirectOptions' | 'additionalPolicies'>>

/**
 * Token requests never follow a redirect. @azure/identity sends them through
 * @azure/core-rest-pipeline, whose redirectPolicy follows same-origin redirects
 * (a 307 POST included) up to 20 times: maxRetries 0 turns that off, and a
 * per-call policy fails any 3xx outright, before the retry policy could repeat
 * it, so a credential is never sent to, nor a token read from, another address.
 */
function refuseRedirects(refused: RefusedRedirects): NoRedirects {
  return {
    redirectOptions: { maxRetries: 0 },
    additionalPolicies: [
      {
        position: 'perCall',
        policy: {
          name: 'entraLogExportRefuseRedirects',
          async sendRequest(request, next) {
            const response = await next(request)
            if (response.status >= 300 && response.status < 400) {
              const location = response.headers.get('location')
              refused.message =
                `The login endpoint answered HTTP ${response.status}, a redirect` +
                (location ? ` to ${safeLogText(location)}` : '') +
                '. Redirects are never followed (a credential must not travel to another ' +
                'address); check authority-host and any proxy between the runner and Entra ID.'
              throw new Error(refused.message)
            }
            return response
          }
        }
      }
    ]
  }
}

export interface MaskingOptions {
  kind: AuthMode
  settings: Settings
  boundary: AuthBoundary
  /** Claims of the OIDC token last presented, for AADSTS70021-style errors. */
  assertionClaims?: () => AssertionClaims | undefined
  /** Where the no-redirect policy leaves the reason it failed a token request. */
  redirects?: RefusedRedirects
  /** Timeout and attempts of each token request (default DEFAULT_TOKEN_BUDGET). */
  tokenBudget?: TokenBudget
}

export function maskingCredential(
  inner: TokenCredential,
  options: MaskingOptions
): ExportCredential {
  return new MaskingCredential(inner, options)
}

/**
 * Masks every access token on its way out (defence in depth: nothing should
 * print one, but a masked token cannot leak through a debug dump) and turns
 * failures into UserErrors at the source, whoever ends up catching them.
 */
class MaskingCredential implements ExportCredential {
  private lastToken: string | undefined
  /** `inner` with every request bounded in time and attempts. */
  private readonly bounded: BoundedCredential

  readonly kind: AuthMode

  constructor(
    readonly inner: TokenCredential,
    private readonly options: MaskingOptions
  ) {
    this.kind = options.kind
    const authority =
      options.kind === 'azure-cli' ? 'the Azure CLI (az)' : options.settings.authorityHost
    this.bounded = new BoundedCredential(inner, authority, options.tokenBudget)
  }

  async getToken(
    scopes: string | string[],
    options?: GetTokenOptions
  ): Promise<AccessToken | null> {
    let token: AccessToken | null
    try {
      token = await this.bounded.getToken(scopes, options)
    } catch (error) {
      const { settings, boundary, assertionClaims } = this.options
      boundary.logger.debug(`Token request (${this.kind}) failed: ${errorMessage(error)}`)
      // Cancelled: no explanation to find, and no probe of a login host that may not answer.
      if (options?.abortSignal?.aborted) throw error
      const redirect = this.options.redirects?.message
      if (redirect !== undefined) {
        this.options.redirects!.message = undefined
        throw new UserError(redirect, { cause: error })
      }
      let reason = error
      if (this.kind !== 'azure-cli' && isEndpointResolutionError(error)) {
        const answer = await probeOpenIdConfiguration(settings)
        if (answer !== undefined) {
          boundary.logger.debug(`The login endpoint's OpenID configuration answered: ${answer}`)
          reason = new Error(answer, { cause: error })
        }
      }
      throw explainAuthError(reason, settings, { assertion: assertionClaims?.() })
    }
    if (token !== null && token.token !== this.lastToken) {
      this.options.boundary.mask(token.token)
      this.lastToken = token.token
      this.options.boundary.logger.debug(
        `Got a new access token for ${String(scopes)}, valid until ` +
          new Date(token.expiresOnTimestamp).toISOString()
      )
    }
    return token
  }
}

function idTokenHost(url: string | undefined): string {
  try {
    return new URL(url ?? '').host
  } catch {
    return 'ACTIONS_ID_TOKEN_REQUEST_URL'
  }
}

function isKnownAuthorityHost(host: string): boolean {
  const normalise = (h: string): string => h.replace(/\/+$/, '').toLowerCase()
  return Object.values(CLOUD_ENDPOINTS).some(c => normalise(c.authorityHost) === normalise(host))
}

function required(value: string | undefined, input: string, auth: AuthMode): string {
  if (value === undefined || value.trim() === '') {
    throw new UserError(
      `auth: ${auth} needs the ${input} input, which is empty. An empty value usually means the ` +
        'secret is not available to this run (e.g. a pull request from a fork, or a secret ' +
        'defined only in another environment).'
    )
  }
  return value
}

/**
 * The runner may match a multi-line secret only line by line, so each line of
 * the key body is registered as well as the whole block.
 */
function maskKey(privateKeyPem: string, mask: (value: string) => void): void {
  mask(privateKeyPem)
  for (const line of privateKeyPem.split('\n')) {
    const trimmed = line.trim()
    if (trimmed !== '' && !trimmed.startsWith('-----')) mask(trimmed)
  }
}
