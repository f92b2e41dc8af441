import type { TokenCredential } from '@azure/identity'
import {
  AuthenticationHandler,
  HTTPMessageHandler,
  type Context
} from '@microsoft/microsoft-graph-client'
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js'
import { randomUUID } from 'node:crypto'
import { safeLogText } from '../log-text.js'
import { CLIENT_REQUEST_ID, onRequestSent } from './request-sent.js'
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
  /** `onSent`, when given, is called once the request is on the wire (see request-sent.ts). */
  get(url: string, signal: AbortSignal, onSent?: () => void): Promise<PageResponse>
}

export interface TransportOptions {
  credential: TokenCredential
  graphEndpoint: string
  scope: string
}

/**
 * Sends GET requests through the Graph SDK's own middleware chain, built the
 * documented way: middleware instances linked with `setNext`, the first one
 * executed with a typed `Context` (request, fetch options, customHosts), the
 * last (HTTPMessageHandler) setting `context.response`
 * (microsoftgraph/msgraph-sdk-javascript docs/CustomMiddlewareChain.md,
 * src/IContext.ts, src/middleware/IMiddleware.ts). Its AuthenticationHandler
 * attaches the bearer token only to Graph hosts and `customHosts`.
 *
 * Without `Client`/`client.api()`: that re-parses and rebuilds query strings,
 * and Graph's nextLinks must be followed verbatim
 * (https://learn.microsoft.com/en-us/graph/paging). The SDK's RetryHandler and
 * RedirectHandler are left out on purpose: page-retry.ts retries every
 * failure kind itself and accounts for each in the manifest, and a redirect is
 * never followed.
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
  // (hostname only) or no token is attached. Hostname only: the same host on
  // another port or scheme would get the token too, hence the origin check in get().
  const customHosts = new Set([new URL(options.graphEndpoint).hostname])
  const origin = new URL(options.graphEndpoint).origin
  // inputs/read.ts accepts only https endpoints; this keeps a bearer token off plain HTTP whatever the caller.
  if (new URL(options.graphEndpoint).protocol !== 'https:') {
    throw new Error(`The Graph endpoint must use https; got ${safeLogText(options.graphEndpoint)}`)
  }

  return {
    async get(url: string, signal: AbortSignal, onSent?: () => void): Promise<PageResponse> {
      if (new URL(url).origin !== origin) {
        // Microsoft documents the nextLink as a URL to send "to Microsoft Graph"
        // (https://learn.microsoft.com/en-us/graph/paging): one pointing elsewhere would be
        // a Graph bug or an attack. Never follow it, nor retry it (it will not change).
        throw new GraphRequestError(
          `Refusing to follow a link outside ${origin}: ${safeLogText(url)}`,
          'fatal',
          undefined,
          undefined
        )
      }
      // A fresh GUID per request, as the Graph SDK's TelemetryHandler sends: it names the
      // request in Graph's own logs, and request-sent.ts tells when it left.
      const clientRequestId = randomUUID()
      const context: Context = {
        request: url,
        options: {
          method: 'GET',
          headers: {
            Accept: 'application/json',
            // Newer enum values arrive as themselves, not 'unknownFutureValue'.
            Prefer: 'include-unknown-enum-members',
            [CLIENT_REQUEST_ID]: clientRequestId
          },
          signal,
          // Never follow a redirect: a 3xx comes back as itself and fault-classify.ts
          // fails the request (the Graph SDK's HTTPMessageHandler passes these
          // options to fetch unchanged, and its RedirectHandler is not in this chain).
          redirect: 'manual'
        },
        customHosts
      }
      const cancel = onSent ? onRequestSent(clientRequestId, onSent) : undefined
      try {
        await auth.execute(context)
      } finally {
        cancel?.()
      }
      const response = context.response
      if (!response) throw new Error('Graph middleware returned no response')
      return response
    }
  }
}
