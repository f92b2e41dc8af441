import type { TokenCredential } from '@azure/identity'
import { AuthenticationHandler, HTTPMessageHandler } from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { GraphRequestError, TokenRequestError } from './graph-errors.js'

/**
 * One HTTP exchange with Graph, body not yet read: the caller streams it (a page
 * is megabytes) or reads it as text. A body cut short fails while it is read.
 */
export interface PageResponse {
  status: number
  headers: Headers
  body: AsyncIterable<Uint8Array> | null
  text(): Promise<string>
}

export interface GraphTransport {
  get(url: string, signal: AbortSignal): Promise<PageResponse>
}

export interface TransportOptions {
  credential: TokenCredential
  graphEndpoint: string
  scope: string
}

/**
 * Sends GET requests through the Graph SDK's own middleware (its authentication
 * handler attaches the bearer token only to Graph hosts, so a token never leaves
 * for another host) but without `client.api()`: that re-parses and rebuilds
 * query strings, and Graph's nextLinks must be followed verbatim. The SDK's
 * RetryHandler is left out on purpose: page-fetcher.ts retries every failure
 * kind itself and accounts for each in the manifest.
 */
export function createGraphTransport(options: TransportOptions): GraphTransport {
  // A token failure is told apart from a network failure of the page itself.
  const credential: TokenCredential = {
    getToken: (scopes, getOptions) =>
      options.credential.getToken(scopes, getOptions).catch((error: unknown) => {
        throw new TokenRequestError(error)
      })
  }
  const auth = new AuthenticationHandler(
    new TokenCredentialAuthenticationProvider(credential, { scopes: [options.scope] })
  )
  auth.setNext(new HTTPMessageHandler())
  // Custom and national endpoints the SDK does not list must be named explicitly
  // (hostname only) or no token is attached.
  const customHosts = new Set([new URL(options.graphEndpoint).hostname])
  const origin = new URL(options.graphEndpoint).origin

  return {
    async get(url: string, signal: AbortSignal): Promise<PageResponse> {
      if (new URL(url).origin !== origin) {
        // A nextLink pointing elsewhere would be a Graph bug or an attack: never follow it.
        // Not retried: the same link is refused every time.
        throw new GraphRequestError(
          `Refusing to follow a link outside ${origin}: ${url}`,
          'fatal',
          undefined,
          undefined
        )
      }
      const context = {
        request: url,
        options: {
          method: 'GET',
          headers: {
            Accept: 'application/json',
            // Newer enum values arrive as themselves, not 'unknownFutureValue'.
            Prefer: 'include-unknown-enum-members'
          } as Record<string, string>,
          signal
        },
        customHosts,
        response: undefined as Response | undefined
      }
      await auth.execute(context as unknown as Parameters<AuthenticationHandler['execute']>[0])
      const response = context.response
      if (!response) throw new Error('Graph middleware returned no response')
      return response as PageResponse
    }
  }
}
