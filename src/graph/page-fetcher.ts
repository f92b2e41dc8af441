import type { LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import type { Cloud } from '../settings.js'
import { backoffDelay, parseRetryAfter } from './backoff.js'
import type { Clock } from './clock.js'
import {
  explainGraphFailure,
  GraphRequestError,
  isBrokenSkipToken,
  parseErrorBody
} from './graph-errors.js'
import type { GraphTransport, PageResponse } from './graph-transport.js'
import { MalformedPageError, PageSplitter, type ByteArena, type PageParts } from './page-body.js'
import type { Pacer } from './pacer.js'
import { recordTimeMs } from './query.js'

export type GraphRecord = Record<string, unknown>

/** Bounds on retrying one page. Visible here so the budget is a reviewed number, not folklore. */
export interface RetryPolicy {
  /** Attempts per page, the first included. */
  maxAttempts: number
  /** Give up on a page after this long, waits included. */
  maxElapsedMs: number
  /** One request, body included. Sign-in queries on big tenants take many seconds; the SDK's 300 s is the usual ceiling. */
  requestTimeoutMs: number
  baseBackoffMs: number
  maxBackoffMs: number
  /** A licensed tenant sometimes gets the "no premium licence" 403 transiently: retry it this often. */
  licenceRetries: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  maxElapsedMs: 15 * 60_000,
  requestTimeoutMs: 300_000,
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
  for (let attempt = 0; ; attempt++) {
    const release = await ctx.pacer.acquire(signal)
    counters.requests++
    ctx.onRequestStart?.()
    let outcome: Outcome
    try {
      const response = await ctx.transport.get(
        url,
        AbortSignal.any([signal, AbortSignal.timeout(policy.requestTimeoutMs)])
      )
      // The body is read inside the pacer slot: its transfer is part of the request.
      outcome = await classify(ctx, response, signal, arena)
    } catch (error) {
      if (signal.aborted) throw error
      outcome = classifyThrown(error)
    } finally {
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
      throw new GraphRequestError(
        `${ctx.spec.title}: giving up on a page after ${attempt + 1} attempts over ` +
          `${Math.round(elapsed / 1000)} s; last error: ${outcome.error.message}`,
        firstPage ? 'fatal' : 'chain-broken',
        outcome.status,
        outcome.kind,
        { cause: outcome.error }
      )
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
  arena: ByteArena
): Promise<Outcome> {
  const { status } = response
  if (status >= 200 && status < 300) {
    let parts: PageParts
    try {
      const splitter = new PageSplitter(arena)
      for await (const chunk of response.body ?? []) splitter.push(chunk)
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

  const body = await response.text()
  const error = parseErrorBody(body)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now())
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
  if (isBrokenSkipToken(status, error)) {
    return {
      ok: false,
      retry: false,
      status,
      error: new GraphRequestError(
        `${ctx.spec.title}: Graph rejected the skip token (${error.message ?? 'HTTP 400'})`,
        'chain-broken',
        status,
        error.code
      )
    }
  }
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

function classifyThrown(error: unknown): Outcome {
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
  return detail ? `${err.message} (${detail})` : err.message
}

function retryable(
  kind: FaultKind,
  status: number | undefined,
  message: string,
  cause?: unknown
): Failure {
  return { ok: false, retry: true, kind, status, error: new Error(message, { cause }) }
}
