import type { LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import { safeLogText } from '../log-text.js'
import type { Cloud } from '../settings.js'
import { backoffDelay, parseRetryAfter } from './backoff.js'
import type { Clock } from './clock.js'
import {
  explainGraphFailure,
  GraphRequestError,
  isBrokenSkipToken,
  parseErrorBody,
  type GraphErrorBody,
  TokenRequestError
} from './graph-errors.js'
import { isRetentionEdge, parseRetentionEdge, RETENTION_NOTE } from './retention-edge.js'
import type { GraphTransport, PageResponse } from './graph-transport.js'
import { MalformedPageError, PageSplitter, type ByteArena, type PageParts } from './page-body.js'
import type { Pacer } from './pacer.js'
import { recordTimeMs } from './query.js'

export type { GraphRecord } from '../records/graph-record.js'
import type { GraphRecord } from '../records/graph-record.js'

/** Bounds on retrying one page. Visible here so the budget is a reviewed number, not folklore. */
export interface RetryPolicy {
  /** Attempts per page, the first included. */
  maxAttempts: number
  /** Give up on a page after this long, waits included. */
  maxElapsedMs: number
  /** One request, body included. Sign-in queries on big tenants take many seconds; the SDK's 300 s is the usual ceiling. */
  requestTimeoutMs: number
  /** From sending the request to the response headers, connecting included. */
  headersTimeoutMs: number
  /** Longest pause in the body once it has started: a stalled transfer is a failed attempt. */
  bodyStallTimeoutMs: number
  baseBackoffMs: number
  maxBackoffMs: number
  /** A licensed tenant sometimes gets the "no premium licence" 403 transiently: retry it this often. */
  licenceRetries: number
}

/**
 * The budgets (README, "Timeouts and budgets"): a page gets at most 10 attempts
 * and 10 minutes, waits included; each attempt at most 120 s to headers, 60 s
 * without body progress and 300 s in all. A timed-out attempt counts as a
 * 'timeout' fault and is retried like a reset.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  maxElapsedMs: 10 * 60_000,
  requestTimeoutMs: 300_000,
  headersTimeoutMs: 120_000,
  bodyStallTimeoutMs: 60_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  licenceRetries: 2
}

export type FaultKind =
  | 'throttled'
  | 'server-error'
  | 'unauthorized'
  | 'licence-403'
  | 'network'
  | 'timeout'
  | 'bad-body'
  | 'auth'

/** What it cost to read a log type; summed into the manifest. */
export interface FetchCounters {
  requests: number
  pages: number
  retries: number
  throttled: number
  throttledWaitMs: number
  faults: Partial<Record<FaultKind, number>>
}

export function newCounters(): FetchCounters {
  return { requests: 0, pages: 0, retries: 0, throttled: 0, throttledWaitMs: 0, faults: {} }
}

export interface FetchContext {
  transport: GraphTransport
  pacer: Pacer
  clock: Clock
  policy: RetryPolicy
  logger: Logger
  spec: LogTypeSpec
  cloud: Cloud
  counters: FetchCounters
  random?: () => number
  /** Each attempt's request has just started (the pacer let it go). */
  onRequestStart?(): void
  /**
   * An attempt timed out: the caller may narrow what it asks for before the
   * retry (a narrower range answers sooner). Returns the URL to retry instead.
   */
  onTimeout?(): string | undefined
}

/** One record of a page: where its bytes are in the page's arena, and what a chain needs to place it. */
export interface PageRecord {
  /** The record's JSON as received is arena bytes [start, end), then a newline (see export/record-file.ts). */
  start: number
  end: number
  /** Has raw line breaks between tokens: must be compacted to be one line. */
  multiline: boolean
  id?: string
  /** The log type's time field in ms since the epoch; NaN when absent or unparseable. */
  timeMs: number
}

export interface Page {
  records: PageRecord[]
  nextLink?: string
}

interface Failure {
  ok: false
  retry: boolean
  kind?: FaultKind
  status?: number
  retryAfterMs?: number
  error: Error
}
type Outcome = { ok: true; page: Page } | Failure

/**
 * Read one page, retrying everything that can pass: 429 (honouring Retry-After),
 * 5xx, 401 (the credential renews expired tokens), resets, timeouts and bodies
 * that are cut short or not JSON. `firstPage` decides what exhaustion means: a
 * first page that cannot be read fails the log type; a later one breaks only the
 * chain, which the caller restarts with a fresh query.
 */
export async function fetchPage(
  ctx: FetchContext,
  url: string,
  firstPage: boolean,
  signal: AbortSignal,
  arena: ByteArena
): Promise<Page> {
  const { clock, policy, counters } = ctx
  const startedAt = clock.now()
  let licenceRetries = 0
  const giveUp = (attempts: number, last: Failure): GraphRequestError =>
    new GraphRequestError(
      `${ctx.spec.title}: giving up on a page after ${attempts} attempts over ` +
        `${Math.round((clock.now() - startedAt) / 1000)} s; last error: ${last.error.message}`,
      firstPage ? 'fatal' : 'chain-broken',
      last.status,
      last.kind,
      { cause: last.error }
    )
  let last: Failure | undefined
  for (let attempt = 0; ; attempt++) {
    // The page's time budget also bounds the wait for a request slot and the attempt itself.
    const remaining = Math.max(1, policy.maxElapsedMs - (clock.now() - startedAt))
    const deadline = new Watchdog(remaining, "the page's time budget ran out")
    let release: () => void
    try {
      release = await ctx.pacer.acquire(AbortSignal.any([signal, deadline.signal]))
    } catch (error) {
      deadline.stop()
      if (signal.aborted || !last) throw error
      throw giveUp(attempt, last)
    }
    counters.requests++
    ctx.onRequestStart?.()
    let outcome: Outcome
    const watchdog = new RequestWatchdog(policy, remaining)
    try {
      const response = await ctx.transport.get(url, AbortSignal.any([signal, watchdog.signal]))
      watchdog.headersArrived()
      // The body is read inside the pacer slot: its transfer is part of the request.
      outcome = await classify(ctx, response, signal, arena, watchdog)
    } catch (error) {
      if (signal.aborted) throw error
      if (error instanceof GraphRequestError) throw error
      if (error instanceof TokenRequestError) {
        // The credential already retried what can pass; more attempts only delay the explanation.
        throw new GraphRequestError(
          `${ctx.spec.title}: could not get an access token: ${error.message}`,
          'fatal',
          undefined,
          'auth',
          { cause: error.reason }
        )
      }
      outcome = watchdog.fired
        ? retryable('timeout', undefined, watchdog.reason, error)
        : classifyThrown(error)
    } finally {
      watchdog.stop()
      deadline.stop()
      release()
    }

    if (outcome.ok) {
      ctx.pacer.succeeded()
      counters.pages++
      return outcome.page
    }
    if (outcome.kind === 'throttled') {
      ctx.pacer.throttled(outcome.retryAfterMs)
      counters.throttled++
    }
    if (outcome.kind === 'licence-403') {
      outcome = { ...outcome, retry: licenceRetries++ < policy.licenceRetries }
    }
    if (!outcome.retry) throw outcome.error
    last = outcome
    if (outcome.kind === 'timeout') url = ctx.onTimeout?.() ?? url

    const delay =
      outcome.retryAfterMs ??
      backoffDelay(attempt, {
        baseMs: policy.baseBackoffMs,
        maxMs: policy.maxBackoffMs,
        random: ctx.random
      })
    const elapsed = clock.now() - startedAt
    if (attempt + 1 >= policy.maxAttempts || elapsed + delay > policy.maxElapsedMs) {
      throw giveUp(attempt + 1, outcome)
    }
    counters.retries++
    if (outcome.kind) counters.faults[outcome.kind] = (counters.faults[outcome.kind] ?? 0) + 1
    if (outcome.kind === 'throttled') counters.throttledWaitMs += delay
    ctx.logger.debug(
      `${ctx.spec.name}: attempt ${attempt + 1} failed (${outcome.error.message}); retrying in ${Math.round(delay)} ms`
    )
    await clock.sleep(delay, signal)
  }
}

async function classify(
  ctx: FetchContext,
  response: PageResponse,
  signal: AbortSignal,
  arena: ByteArena,
  watchdog?: RequestWatchdog
): Promise<Outcome> {
  const { status } = response
  if (status >= 200 && status < 300) {
    let parts: PageParts
    try {
      const splitter = new PageSplitter(arena)
      for await (const chunk of response.body ?? []) {
        watchdog?.progress()
        splitter.push(chunk)
      }
      parts = splitter.end()
    } catch (error) {
      if (!(error instanceof MalformedPageError) || signal.aborted) throw error
      return retryable(
        'bad-body',
        status,
        `response body is not a page of records: ${error.message}`,
        error
      )
    }
    const { starts, ends, multiline } = parts
    const records = new Array<PageRecord>(starts.length)
    for (let i = 0; i < records.length; i++) {
      let record: GraphRecord
      try {
        record = JSON.parse(arena.buffer.toString('utf8', starts[i], ends[i])) as GraphRecord
      } catch (error) {
        return retryable('bad-body', status, `record ${i + 1} of the page is not valid JSON`, error)
      }
      // Only what placing the record needs is kept; its parsed tree is garbage at once.
      records[i] = {
        start: starts[i],
        end: ends[i],
        multiline: multiline[i],
        id: typeof record.id === 'string' ? record.id : undefined,
        timeMs: ctx.spec.timeField ? recordTimeMs(record, ctx.spec.timeField) : Number.NaN
      }
    }
    const next = parts.envelope['@odata.nextLink']
    return {
      ok: true,
      page: { records, nextLink: typeof next === 'string' ? next : undefined }
    }
  }

  if (status >= 300 && status < 400) return redirected(ctx, response)
  const body = await response.text()
  const error = parseErrorBody(body)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now())
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
function retentionEdge(ctx: FetchContext, status: number, error: GraphErrorBody): Failure {
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
async function redirected(ctx: FetchContext, response: PageResponse): Promise<Outcome> {
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

function classifyThrown(error: unknown): Outcome {
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

function retryable(
  kind: FaultKind,
  status: number | undefined,
  message: string,
  cause?: unknown
): Failure {
  return { ok: false, retry: true, kind, status, error: new Error(message, { cause }) }
}

/** Aborts its signal after `ms` (real time), with a TimeoutError saying why. */
class Watchdog {
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined
  reason = ''

  constructor(ms: number, reason: string) {
    this.arm(ms, reason)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get fired(): boolean {
    return this.controller.signal.aborted
  }

  arm(ms: number, reason: string): void {
    clearTimeout(this.timer)
    if (this.fired) return
    this.timer = setTimeout(() => {
      this.reason = reason
      this.controller.abort(new DOMException(reason, 'TimeoutError'))
    }, ms)
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}

/**
 * One attempt's timeouts: headers within `headersTimeoutMs` (connecting
 * included), then no pause in the body longer than `bodyStallTimeoutMs`, and
 * the whole exchange within `requestTimeoutMs` and what is left of the page's
 * budget. A slow page that keeps sending is not cut; a stalled one is.
 */
class RequestWatchdog {
  private readonly phase: Watchdog
  private readonly overall: Watchdog
  readonly signal: AbortSignal

  constructor(
    private readonly policy: RetryPolicy,
    remainingMs: number
  ) {
    this.phase = new Watchdog(
      policy.headersTimeoutMs,
      `no response within ${policy.headersTimeoutMs / 1000} s`
    )
    const total = Math.min(policy.requestTimeoutMs, remainingMs)
    this.overall = new Watchdog(total, `request took longer than ${Math.round(total / 1000)} s`)
    this.signal = AbortSignal.any([this.phase.signal, this.overall.signal])
  }

  get fired(): boolean {
    return this.phase.fired || this.overall.fired
  }

  get reason(): string {
    return this.overall.fired ? this.overall.reason : this.phase.reason
  }

  headersArrived(): void {
    this.progress()
  }

  progress(): void {
    this.phase.arm(
      this.policy.bodyStallTimeoutMs,
      `the response body stalled for ${this.policy.bodyStallTimeoutMs / 1000} s`
    )
  }

  stop(): void {
    this.phase.stop()
    this.overall.stop()
  }
}
