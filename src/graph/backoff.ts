/** Longest wait we honour: a Retry-After beyond this is a server bug, not advice. */
export const RETRY_AFTER_CAP_MS = 10 * 60 * 1000

/** RFC 9110 delta-seconds, plus the fractional form Graph sometimes sends ('1.5'). */
const DELTA_SECONDS = /^(?:\d+(?:\.\d*)?|\.\d+)$/
/**
 * The three HTTP-date forms (IMF-fixdate, RFC 850, asctime) all carry a month name and an
 * hh:mm:ss time. Date.parse alone is too lenient: it reads 'foo 1' as 1 Jan 2001.
 */
const HTTP_DATE_SHAPE =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b.*\b\d\d:\d\d:\d\d\b/i

/**
 * Retry-After: delta-seconds (may be fractional like '1.5'), or an HTTP-date; returns ms
 * (>= 0), or undefined when absent/unparseable. Absurd values are capped to
 * RETRY_AFTER_CAP_MS.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number
): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  let ms: number
  if (DELTA_SECONDS.test(text)) {
    // Round up: waiting a fraction of a ms too long is free, too short costs another 429.
    ms = Math.ceil(Number(text) * 1000)
  } else {
    if (!HTTP_DATE_SHAPE.test(text)) return undefined
    const at = Date.parse(text)
    if (!Number.isFinite(at)) return undefined
    ms = Math.ceil(at - nowMs)
  }
  if (!Number.isFinite(ms)) return RETRY_AFTER_CAP_MS
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, ms))
}

/**
 * Exponential backoff with full jitter: random in [0, min(maxMs, baseMs * 2^attempt)],
 * attempt from 0; with a floor of baseMs/2 so it never hammers. Jitter spreads retries of
 * concurrent requests that failed together, so they do not fail together again.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; random?: () => number }
): number {
  const { baseMs, maxMs } = options
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) {
    throw new RangeError(`backoff baseMs must be a positive number, got ${baseMs}`)
  }
  if (!(maxMs >= 0)) throw new RangeError(`backoff maxMs must be >= 0, got ${maxMs}`)
  const exponent = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0
  // 2^exponent overflows to Infinity for huge attempts; min() then yields maxMs.
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent)
  const floor = Math.min(baseMs / 2, ceiling)
  const r = Math.min(Math.max((options.random ?? Math.random)(), 0), 1)
  return Math.round(floor + r * (ceiling - floor))
}
