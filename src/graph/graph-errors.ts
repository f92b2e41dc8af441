import type { LogTypeSpec } from '../log-types.js'
import { safeLogText } from '../log-text.js'
import type { Cloud } from '../settings.js'

/**
 * Why a page could not be read:
 * - chain-broken: this nextLink chain cannot continue (invalid skip token, or
 *   retries exhausted mid-chain); a fresh query from where we are can.
 * - retention-edge: the query's lower bound is older than what Graph keeps;
 *   `retentionEdgeMs` is where its data starts (see retention-edge.ts).
 * - fatal: nothing will help this log type (403, 404, bad filter, retries
 *   exhausted on a first page).
 */
export type GraphFailureKind = 'chain-broken' | 'retention-edge' | 'fatal'

export class GraphRequestError extends Error {
  constructor(
    message: string,
    readonly kind: GraphFailureKind,
    readonly status: number | undefined,
    readonly code: string | undefined,
    options?: { cause?: unknown; retentionEdgeMs?: number }
  ) {
    super(message, options)
    this.name = 'GraphRequestError'
    this.retentionEdgeMs = options?.retentionEdgeMs
  }

  /** retention-edge only: the first instant Graph still holds. */
  readonly retentionEdgeMs?: number
}

/**
 * The credential could not produce a token for a Graph request. It has already
 * retried what can pass (auth/bounded-credential.ts), so the log type fails at
 * once with the credential's explanation instead of being retried for minutes.
 */
export class TokenRequestError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason })
    this.name = 'TokenRequestError'
  }
}

export interface GraphErrorBody {
  code?: string
  message?: string
}

export function parseErrorBody(body: string): GraphErrorBody {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }
    const error = parsed?.error
    // Graph's text is outside text: one line, no command syntax, wherever it is printed.
    return {
      code: typeof error?.code === 'string' ? safeLogText(error.code) : undefined,
      message: typeof error?.message === 'string' ? safeLogText(error.message) : undefined
    }
  } catch {
    return {}
  }
}

/**
 * Skip tokens occasionally go bad on long chains ("Invalid Skip Token", "skip
 * token is null"). The status is not documented (400 and 500 have both been
 * reported), so the text decides, on any error status: the link is dead and
 * retrying it cannot help.
 */
export function isBrokenSkipToken(status: number, error: GraphErrorBody): boolean {
  return status >= 400 && /skip\s*token/i.test(`${error.code ?? ''} ${error.message ?? ''}`)
}

/** Graph's answer for a path this cloud or version does not have (400, not 404). */
export function isSegmentNotFound(status: number, error: GraphErrorBody): boolean {
  return (
    (status === 400 || status === 404) &&
    /Resource not found for the segment/i.test(error.message ?? '')
  )
}

/**
 * Turn a non-retryable Graph answer into a message that says how to fix it.
 * Match on the error code, not the message: messages change.
 */
export function explainGraphFailure(
  spec: LogTypeSpec,
  cloud: Cloud,
  status: number,
  error: GraphErrorBody
): string {
  const what = `${spec.title} (${spec.version}${spec.path})`
  const detail = error.code
    ? ` [${status} ${error.code}: ${error.message ?? ''}]`
    : ` [HTTP ${status}]`
  if (status === 403 && error.code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    return (
      `${what}: the tenant has no ${spec.licence} licence, which Graph requires for this log. ` +
      `Assign a P1/P2 licence to the tenant, or drop '${spec.name}' from log-types. ` +
      `If the tenant is licensed, this error is sometimes returned transiently: granting the app ` +
      `Directory.Read.All besides AuditLog.Read.All is Microsoft's documented workaround ` +
      `(the API reference lists both as required).${detail}`
    )
  }
  if (status === 403) {
    return (
      `${what}: the app is not allowed to read this log. Grant the application permissions ` +
      `${spec.permission} (Microsoft Graph, type Application; the API reference lists ` +
      `${spec.permissions.length > 1 ? 'both' : 'it'} as least privileged, ${spec.docs}) to the app registration and ` +
      `grant admin consent, then re-run.${detail}`
    )
  }
  if (isSegmentNotFound(status, error)) {
    return (
      `${what}: Graph at this endpoint does not have this API ('${cloud}' cloud). ` +
      `The API reference (${spec.docs}) lists it for: ${spec.clouds.join(', ')}. ` +
      `Check that the 'cloud' input matches the tenant's cloud, or remove '${spec.name}' from log-types.${detail}`
    )
  }
  if (status === 401) {
    return `${what}: Graph rejected the access token. Check that the app registration belongs to tenant-id and that the token's cloud matches graph-endpoint.${detail}`
  }
  if (status === 404) {
    return (
      `${what}: this endpoint is not available from ${cloud === 'public' ? 'this Graph endpoint' : `the '${cloud}' cloud`}. ` +
      `Remove '${spec.name}' from log-types for this cloud.${detail}`
    )
  }
  if (status === 400) {
    return `${what}: Graph rejected the query. If you set the 'filter' input, check its OData syntax (unquoted ISO dates, single-quoted strings).${detail}`
  }
  return `${what}: Graph answered HTTP ${status}.${detail}`
}
