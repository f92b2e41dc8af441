/**
 * The retry loop around one page: wait for a pacer slot, send, read, judge
 * (fault-classify.ts), back off, again, within the page's bounds (RetryPolicy:
 * attempts, time budget, per-attempt timeouts). What a successful body is read
 * into is the caller's (`readOk`), so the loop can be tested alone.
 */
import { backoffDelay } from './backoff.js'
import type { FetchContext } from './fetch-context.js'
import {
  classifyFailedResponse,
  classifyThrown,
  retryable,
  type Failure,
  type Outcome
} from './fault-classify.js'
import { GraphRequestError, TokenRequestError } from './graph-errors.js'
import type { PageResponse } from './graph-transport.js'
import { RequestWatchdog, Watchdog } from './watchdog.js'
import type { Release } from './pacer.js'

/**
 * Reads a 2xx response's body into a T. `progress` is called as the body
 * arrives (a stalled body times out). Returns a retryable Failure for a body
 * that is not what was asked for; throws what the loop must judge (network).
 */
export type ReadBody<T> = (
  response: PageResponse,
  signal: AbortSignal,
  progress: () => void
) => Promise<Outcome<T>>

/**
 * Read one page, retrying everything that can pass: 429 (honouring Retry-After),
 * 5xx, 401 (the credential renews expired tokens), resets, timeouts and bodies
 * that are cut short or not JSON. `firstPage` decides what exhaustion means: a
 * first page that cannot be read fails the log type; a later one breaks only the
 * chain, which the caller restarts with a fresh query.
 */
export async function retryRequest<T>(
  ctx: FetchContext,
  url: string,
  firstPage: boolean,
  signal: AbortSignal,
  readOk: ReadBody<T>
): Promise<T> {
  const { clock, policy, counters } = ctx
  const startedAt = clock.now()
  const judge = { spec: ctx.spec, cloud: ctx.cloud, now: () => clock.now() }
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
    const deadline = new Watchdog(clock, remaining, "the page's time budget ran out")
    let release: Release
    try {
      release = await ctx.pacer.acquire(AbortSignal.any([signal, deadline.signal]))
    } catch (error) {
      deadline.stop()
      if (signal.aborted || !last) throw error
      throw giveUp(attempt, last)
    }
    counters.requests++
    ctx.onRequestStart?.()
    let outcome: Outcome<T>
    const watchdog = new RequestWatchdog(clock, policy, remaining)
    try {
      const response = await ctx.transport.get(
        url,
        AbortSignal.any([signal, watchdog.signal]),
        release.sent
      )
      watchdog.headersArrived()
      // The body is read inside the pacer slot: its transfer is part of the request.
      outcome =
        response.status >= 200 && response.status < 300
          ? await readOk(response, signal, () => watchdog.progress())
          : await classifyFailedResponse(judge, response)
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
      return outcome.value
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
