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
