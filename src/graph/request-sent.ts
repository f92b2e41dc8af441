import { subscribe } from 'node:diagnostics_channel'

/**
 * When a request's headers are written to its socket: the moment closest to
 * Graph's own count of the request (Graph counts arrivals; throttle windows are
 * per app per tenant, https://learn.microsoft.com/graph/throttling-limits).
 * Between the pacer's grant and this moment lie the token lookup, a new
 * connection's TLS handshake and any event-loop delay, which moved a start by
 * more than the pacer's margin once in the bench and drew a 429.
 *
 * Node's fetch (undici) publishes 'undici:client:sendHeaders' on
 * node:diagnostics_channel with the request's headers (undici
 * docs/api/DiagnosticsChannel.md); the Graph SDK's HTTPMessageHandler calls the
 * global fetch. A request is matched by its `client-request-id` header, the
 * GUID the Graph SDK's own TelemetryHandler sends for tracing. When no message
 * comes (another fetch), nobody is told and the pacer keeps its grant time.
 */
const CHANNEL = 'undici:client:sendHeaders'
export const CLIENT_REQUEST_ID = 'client-request-id'

const waiting = new Map<string, () => void>()
let subscribed = false

/** Calls `onSent` once the request carrying this client-request-id is on the wire; returns the cancel. */
export function onRequestSent(clientRequestId: string, onSent: () => void): () => void {
  if (!subscribed) {
    subscribe(CHANNEL, onSendHeaders)
    subscribed = true
  }
  waiting.set(clientRequestId, onSent)
  return () => {
    waiting.delete(clientRequestId)
  }
}

function onSendHeaders(message: unknown): void {
  if (waiting.size === 0) return
  const id = clientRequestIdOf((message as { request?: { headers?: unknown } }).request?.headers)
  if (id === undefined) return
  const onSent = waiting.get(id)
  if (!onSent) return
  waiting.delete(id)
  onSent()
}

/** The header's value from undici's request headers: [name, value, ...] (undici >= 6.11) or raw text. */
export function clientRequestIdOf(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === CLIENT_REQUEST_ID) return String(headers[i + 1])
    }
    return undefined
  }
  if (typeof headers === 'string') {
    const match = /(?:^|\r\n)client-request-id:\s*([^\r\n]*)/i.exec(headers)
    return match?.[1].trim()
  }
  return undefined
}
