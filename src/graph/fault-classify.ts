/**
 * What a failed attempt at a page means: retry it (and as which fault kind), or
 * stop (and with which error). Pure judgement over a response or a thrown
 * error; the retry loop (page-retry.ts) acts on it.
 */
import type { LogTypeSpec } from '../log-types.js'
import { safeLogText } from '../log-text.js'
import type { Cloud } from '../settings.js'
import { parseRetryAfter } from './backoff.js'
import type { FaultKind } from './fetch-context.js'
import {
  explainGraphFailure,
  GraphRequestError,
  isBrokenSkipToken,
  parseErrorBody,
  type GraphErrorBody
} from './graph-errors.js'
import type { PageResponse } from './graph-transport.js'
import { isRetentionEdge, parseRetentionEdge, RETENTION_NOTE } from './retention-edge.js'

export interface Failure {
  ok: false
  retry: boolean
  kind?: FaultKind
  status?: number
  retryAfterMs?: number
  error: Error
}

/** An attempt's result: what a successful response was read into, or why it failed. */
export type Outcome<T> = { ok: true; value: T } | Failure

/** What judging a failure needs to know about the request. */
export interface ClassifyContext {
  spec: LogTypeSpec
  cloud: Cloud
  /** For Retry-After given as an HTTP date. */
  now(): number
}

/**
 * A response that is not a 2xx: read its (small) error body and judge it.
 * Retried: 429 (with Retry-After), 5xx, 401 (the credential renews expired
 * tokens) and the licence 403 (transient on licensed tenants; the loop bounds
 * it). Not retried: a broken skip token (the chain restarts), the retention
 * edge, redirects and every other 4xx.
 */
export async function classifyFailedResponse(
  ctx: ClassifyContext,
  response: PageResponse
): Promise<Failure> {
  const { status } = response
  if (status >= 300 && status < 400) return redirected(ctx, response)
  const body = await response.text()
  const error = parseErrorBody(body)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.now())
  // A dead link stays dead whatever its status: restart the chain at once (no retries).
  if (isBrokenSkipToken(status, error)) {
    return {
      ok: false,
      retry: false,
      status,
      error: new GraphRequestError(
        `${ctx.spec.title}: Graph rejected the skip token (HTTP ${status}: ${error.message ?? error.code ?? ''})`,
        'chain-broken',
        status,
        error.code
      )
    }
  }
  if (isRetentionEdge(status, error)) return retentionEdge(ctx, status, error)
  if (status === 429) {
    return {
      ...retryable('throttled', status, `HTTP 429 ${error.code ?? ''}`.trim()),
      retryAfterMs
    }
  }
  if (status >= 500) {
    return {
      ...retryable('server-error', status, `HTTP ${status} ${error.code ?? ''}`.trim()),
      retryAfterMs
    }
  }
  if (status === 401)
    return retryable('unauthorized', status, `HTTP 401 ${error.code ?? ''}`.trim())
  const fatal = new GraphRequestError(
    explainGraphFailure(ctx.spec, ctx.cloud, status, error),
    'fatal',
    status,
    error.code
  )
  if (status === 403 && error.code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    return { ok: false, retry: true, kind: 'licence-403', status, error: fatal }
  }
  return { ok: false, retry: false, status, error: fatal }
}

/** The lower bound is past retention: say where Graph's data starts, or fail naming retention. */
function retentionEdge(ctx: ClassifyContext, status: number, error: GraphErrorBody): Failure {
  const edgeMs = parseRetentionEdge(error.message ?? '')
  const message =
    edgeMs === undefined
      ? `${ctx.spec.title}: the window starts before ${RETENTION_NOTE}, and Graph's answer did not ` +
        `say where its data starts, so the export cannot continue from there. Move 'since' ` +
        `within the retention period and re-run. [${status} ${error.code ?? ''}: ${error.message ?? ''}]`
      : `${ctx.spec.title}: Graph keeps records from ${new Date(edgeMs).toISOString()} only (${RETENTION_NOTE}).`
  return {
    ok: false,
    retry: false,
    status,
    error: new GraphRequestError(
      message,
      edgeMs === undefined ? 'fatal' : 'retention-edge',
      status,
      error.code,
      { retentionEdgeMs: edgeMs }
    )
  }
}

/**
 * Graph never redirects a report query, and a redirect's target is not Graph:
 * the request fails as it stands, is not retried, and nothing is read from the
 * other side (fetch runs with redirect: 'manual', so no request was sent there).
 */
async function redirected(ctx: ClassifyContext, response: PageResponse): Promise<Failure> {
  const { status } = response
  // The redirect's own body comes from Graph's origin; drop it unread so the connection frees.
  await response.text().catch(() => '')
  const location = response.headers.get('location')
  return {
    ok: false,
    retry: false,
    status,
    error: new GraphRequestError(
      `${ctx.spec.title}: Graph answered HTTP ${status}, a redirect` +
        (location ? ` to ${safeLogText(location)}` : '') +
        `. Redirects are never followed (a query or token must not travel to another ` +
        `address); check graph-endpoint and any proxy between the runner and Graph.`,
      'fatal',
      status,
      undefined
    )
  }
}

/** A request that threw (no response): what failed, and whether a retry can pass it. */
export function classifyThrown(error: unknown): Failure {
  // Already judged (a link the transport refused): not a fault a retry can pass.
  if (error instanceof GraphRequestError) return { ok: false, retry: false, error }
  const err = error instanceof Error ? error : new Error(String(error))
  if (err.name === 'TimeoutError') return retryable('timeout', undefined, 'request timed out', err)
  // The credential failed to produce a token (identity endpoint hiccup, OIDC refresh).
  if (/Credential|Authentication/.test(err.name))
    return retryable('auth', undefined, err.message, err)
  return retryable('network', undefined, describeNetworkError(err), err)
}

function describeNetworkError(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const detail = cause?.code ?? cause?.message
  return safeLogText(detail ? `${err.message} (${detail})` : err.message)
}

export function retryable(
  kind: FaultKind,
  status: number | undefined,
  message: string,
  cause?: unknown
): Failure {
  return { ok: false, retry: true, kind, status, error: new Error(message, { cause }) }
}
