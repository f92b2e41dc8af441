import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity'
import { explainAuthError } from '../../src/auth/auth-errors.js'
import { UserError } from '../../src/errors.js'
import type { Settings } from '../../src/settings.js'
import { CLIENT_ID, TENANT_ID, makeSettings } from './fixtures.js'

const SCOPE = 'https://graph.microsoft.com/.default'

/** What @azure/identity throws for an error reply from the token endpoint (shape seen on a local fake). */
function tokenEndpointError(error: string, description: string): AuthenticationRequiredError {
  const code = /AADSTS(\d+)/.exec(description)?.[1] ?? ''
  const message =
    `${error}: Error(s): ${code} - Timestamp: Not Available - Description: ${description} ` +
    'Trace ID: 30b6df93-efd2-459c-ae6a-bad0838f6f00 Correlation ID: dffc6012-a4af-4f00-80ab-3e831069b3cc ' +
    'Timestamp: 2026-10-05 10:00:00Z - Correlation ID: Not Available - Trace ID: Not Available'
  const serverError = Object.assign(new Error(message), { name: 'ServerError', errorCode: error })
  return new AuthenticationRequiredError({ scopes: [SCOPE], message, cause: serverError })
}

function explain(error: unknown, settings: Settings = makeSettings()): Error {
  const result = explainAuthError(error, settings)
  expect(result).toBeInstanceOf(UserError)
  const explained = result as UserError
  expect(explained.cause).toBe(error)
  expect(explained.message).not.toContain(settings.clientSecret ?? '\u0000')
  return explained
}

describe('explainAuthError', () => {
  it('AADSTS7000215: says to pass the secret value, not its ID', () => {
    const error = tokenEndpointError(
      'invalid_client',
      "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'af3110ba-0ba9-4412-b1a0-59f50b7e9273'."
    )
    const { message } = explain(error)
    expect(message).toContain('AADSTS7000215')
    expect(message).toContain('client-secret')
    expect(message).toMatch(/Value.*not its Secret ID/)
  })

  it('AADSTS7000222: says to create a new secret or switch to OIDC', () => {
    const error = tokenEndpointError(
      'invalid_client',
      "AADSTS7000222: The provided client secret keys for app 'af3110ba-0ba9-4412-b1a0-59f50b7e9273' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."
    )
    const { message } = explain(error)
    expect(message).toMatch(/expired/)
    expect(message).toContain('client-secret')
    expect(message).toContain('auth: oidc')
  })

  it('AADSTS90002: names tenant-id and the cloud inputs', () => {
    const settings = makeSettings({ tenantId: 'contoso.onmicrosoft.us' })
    const error = tokenEndpointError(
      'invalid_request',
      "AADSTS90002: Tenant 'contoso.onmicrosoft.us' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
    )
    const { message } = explain(error, settings)
    expect(message).toContain("'contoso.onmicrosoft.us'")
    expect(message).toContain('tenant-id')
    expect(message).toMatch(/cloud.*authority-host/)
  })

  it('AADSTS700016: app not in tenant (not mistaken for consent, although the text says "consented")', () => {
    const error = tokenEndpointError(
      'unauthorized_client',
      "AADSTS700016: Application with identifier 'af3110ba-0ba9-4412-b1a0-59f50b7e9273' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
    )
    const { message } = explain(error)
    expect(message).toContain('client-id')
    expect(message).toContain('tenant-id')
    expect(message).not.toContain('AuditLog.Read.All')
  })

  it('AADSTS70021 (older text): prints issuer, subject and audience and the credential to add', () => {
    const settings = makeSettings({ auth: 'oidc', clientSecret: undefined })
    const error = tokenEndpointError(
      'invalid_request',
      "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: 'repo:octo-org/octo-repo:pull_request'. Assertion Audience: 'api://AzureADTokenExchange'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation"
    )
    const { message } = explain(error, settings)
    expect(message).toMatch(/Issuer: +https:\/\/token\.actions\.githubusercontent\.com/)
    expect(message).toMatch(/Subject: +repo:octo-org\/octo-repo:pull_request/)
    expect(message).toMatch(/Audience: +api:\/\/AzureADTokenExchange/)
    expect(message).toContain('repo:<owner>/<repo>:ref:refs/heads/main')
    expect(message).toContain('repo:<owner>/<repo>:environment:<name>')
    expect(message).toContain(`az ad app federated-credential create --id ${CLIENT_ID}`)
    expect(message).toContain('"subject":"repo:octo-org/octo-repo:pull_request"')
  })

  it('AADSTS700213 (current text, subject only): fills issuer/audience from the token the action presented', () => {
    const settings = makeSettings({ auth: 'oidc', clientSecret: undefined })
    const error = tokenEndpointError(
      'invalid_client',
      "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:Octo-Org/octo-repo:environment:Prod'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
    )
    const result = explainAuthError(error, settings, {
      assertion: {
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'ignored-when-the-message-has-one',
        aud: 'api://custom-audience'
      }
    }) as Error
    expect(result.cause).toBe(error)
    expect(result.message).toContain('AADSTS700213')
    expect(result.message).toMatch(/Subject: +repo:Octo-Org\/octo-repo:environment:Prod/)
    expect(result.message).toMatch(/Audience: +api:\/\/custom-audience/)
    expect(result.message).toMatch(/case-sensitive/)
  })

  it('AADSTS700024 under azure-cli: run right after azure/login or use auth: oidc', () => {
    const settings = makeSettings({ auth: 'azure-cli', clientSecret: undefined })
    // AzureCliCredential passes az's stderr through as the message.
    const error = new CredentialUnavailableError(
      'ERROR: AADSTS700024: Client assertion is not within its valid time range. Current time: 2026-10-05T10:38:31.5070957Z, assertion valid from 2026-10-05T10:23:22.0000000Z, expiry time of assertion 2026-10-05T10:33:22.0000000Z. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .'
    )
    const { message } = explain(error, settings)
    expect(message).toMatch(/right after azure\/login/)
    expect(message).toContain('auth: oidc')
    expect(message).toMatch(/5 minutes/)
  })

  it('AADSTS700027: says to upload the certificate and shows the thumbprint used', () => {
    const settings = makeSettings({ auth: 'certificate', clientSecret: undefined })
    const error = tokenEndpointError(
      'invalid_client',
      "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '3A1F5C0D9E8B7A6F5E4D3C2B1A0F9E8D7C6B5A49', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id 'af3110ba-0ba9-4412-b1a0-59f50b7e9273'.]"
    )
    const { message } = explain(error, settings)
    expect(message).toContain('client-certificate')
    expect(message).toMatch(/Upload the public part/)
    expect(message).toContain('3A1F5C0D9E8B7A6F5E4D3C2B1A0F9E8D7C6B5A49')
  })

  it.each([
    "AADSTS65001: The user or administrator has not consented to use the application with ID 'af3110ba-0ba9-4412-b1a0-59f50b7e9273' named 'entra-log-export'. Send an interactive authorization request for this user and resource.",
    "AADSTS650057: Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration. Client app ID: af3110ba-0ba9-4412-b1a0-59f50b7e9273(entra-log-export). Resource value from request: https://graph.microsoft.com. Resource app ID: 00000003-0000-0000-c000-000000000000. List of valid resources from app registration: ."
  ])('admin consent missing: %#', description => {
    const { message } = explain(tokenEndpointError('invalid_client', description))
    expect(message).toContain('AuditLog.Read.All and Directory.Read.All')
    expect(message).toMatch(/admin consent/)
    expect(message).toContain(TENANT_ID)
  })

  it.each([
    "AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://graph.microsoft.us/.default is not valid.",
    'AADSTS500011: The resource principal named https://graph.microsoft.us was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.'
  ])(
    'scope from another cloud: names cloud, graph-endpoint and authority-host (%#)',
    description => {
      const settings = makeSettings({ graphEndpoint: 'https://graph.microsoft.us' })
      const { message } = explain(tokenEndpointError('invalid_scope', description), settings)
      expect(message).toContain('https://graph.microsoft.us/.default')
      expect(message).toMatch(/cloud, graph-endpoint and authority-host/)
    }
  )

  it('MSAL endpoint discovery failure: names the authority host and inputs', () => {
    const settings = makeSettings({ authorityHost: 'https://login.contoso.example' })
    // What @azure/identity throws when the login host cannot be reached (no cause attached).
    const error = new CredentialUnavailableError(
      'endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details'
    )
    const { message } = explain(error, settings)
    expect(message).toContain('https://login.contoso.example')
    expect(message).toMatch(/cloud and authority-host/)
  })

  it.each(['ENOTFOUND', 'ECONNREFUSED', 'SELF_SIGNED_CERT_IN_CHAIN'])(
    'fetch failure with %s on the authority host',
    code => {
      const error = new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ${code} login.microsoftonline.com`), { code })
      })
      const { message } = explain(error)
      expect(message).toContain(code)
      expect(message).toContain('https://login.microsoftonline.com')
      expect(message).toContain('authority-host')
    }
  )

  it('az not installed', () => {
    const settings = makeSettings({ auth: 'azure-cli', clientSecret: undefined })
    const error = new CredentialUnavailableError(
      "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'."
    )
    const { message } = explain(error, settings)
    expect(message).toMatch(/not installed/)
    expect(message).toContain('auth: oidc')
  })

  it('no az session: run azure/login first (with the right cloud)', () => {
    const settings = makeSettings({ auth: 'azure-cli', cloud: 'usgov', clientSecret: undefined })
    const error = new CredentialUnavailableError(
      "Please run 'az login' from a command prompt to authenticate before using this credential."
    )
    const { message } = explain(error, settings)
    expect(message).toMatch(/Run azure\/login earlier in the same job/)
    expect(message).toContain('usgov')
  })

  it('returns an explanation made deeper down instead of re-explaining the wrapper', () => {
    const inner = new UserError('add permissions: id-token: write')
    const wrapped = new AuthenticationRequiredError({
      scopes: [SCOPE],
      message: inner.message,
      cause: inner
    })
    expect(explainAuthError(wrapped, makeSettings())).toBe(inner)
  })

  it('returns unrecognised errors unchanged', () => {
    const error = tokenEndpointError(
      'temporarily_unavailable',
      'AADSTS90033: A transient error has occurred.'
    )
    expect(explainAuthError(error, makeSettings())).toBe(error)
    expect(explainAuthError('a string', makeSettings())).toBe('a string')
  })
})
