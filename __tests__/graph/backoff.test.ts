import { backoffDelay, parseRetryAfter, RETRY_AFTER_CAP_MS } from '../../src/graph/backoff.js'

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-10-05T10:00:00Z')

  it('reads delta-seconds, including fractions, rounding up to whole ms', () => {
    expect(parseRetryAfter('5', now)).toBe(5_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('1.5', now)).toBe(1_500)
    expect(parseRetryAfter('.25', now)).toBe(250)
    expect(parseRetryAfter('0.0001', now)).toBe(1)
  })

  it('reads the three HTTP-date forms relative to now, never negative', () => {
    expect(parseRetryAfter('Mon, 05 Oct 2026 10:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Monday, 05-Oct-26 10:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Mon, 05 Oct 2026 09:59:00 GMT', now)).toBe(0)
  })

  it('returns undefined when absent or unparseable', () => {
    for (const value of [undefined, null, '', '  ', 'soon', '-5', '1e3', 'NaN', 'foo 1', '5s']) {
      expect({ value, ms: parseRetryAfter(value, now) }).toEqual({ value, ms: undefined })
    }
  })

  it('caps absurd waits', () => {
    expect(parseRetryAfter('86400', now)).toBe(RETRY_AFTER_CAP_MS)
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(RETRY_AFTER_CAP_MS)
    expect(parseRetryAfter('Tue, 05 Oct 2027 10:00:00 GMT', now)).toBe(RETRY_AFTER_CAP_MS)
    expect(RETRY_AFTER_CAP_MS).toBe(600_000)
  })
})

describe('backoffDelay', () => {
  const options = { baseMs: 1_000, maxMs: 30_000 }

  it('spans [baseMs/2, baseMs * 2^attempt] with full jitter', () => {
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(500)
    expect(backoffDelay(0, { ...options, random: () => 1 })).toBe(1_000)
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(500)
    expect(backoffDelay(3, { ...options, random: () => 1 })).toBe(8_000)
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(4_250)
  })

  it('never exceeds maxMs, even for huge attempts', () => {
    expect(backoffDelay(10, { ...options, random: () => 1 })).toBe(30_000)
    expect(backoffDelay(5_000, { ...options, random: () => 1 })).toBe(30_000)
    expect(backoffDelay(5_000, { ...options, random: () => 0 })).toBe(500)
  })

  it('treats a negative or non-finite attempt as the first', () => {
    expect(backoffDelay(-3, { ...options, random: () => 1 })).toBe(1_000)
    expect(backoffDelay(NaN, { ...options, random: () => 1 })).toBe(1_000)
  })

  it('uses Math.random by default and stays in range', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ms = backoffDelay(attempt, options)
      expect(ms).toBeGreaterThanOrEqual(500)
      expect(ms).toBeLessThanOrEqual(Math.min(30_000, 1_000 * 2 ** attempt))
    }
  })

  it('rejects a non-positive base', () => {
    expect(() => backoffDelay(0, { baseMs: 0, maxMs: 1 })).toThrow('baseMs')
  })
})
