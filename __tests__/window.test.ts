import { UserError } from '../src/errors.js'
import {
  formatInstant,
  parseDuration,
  parseInstant,
  resolveWindow,
  retentionWarnings
} from '../src/window.js'

// A fixed clock, deliberately not on an hour boundary so alignment is visible.
const NOW = new Date('2026-10-05T10:37:12.345Z')
const iso = (value: string): string => parseInstant(value, 'since', NOW).toISOString()

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['90m', 90 * 60_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['1d12h', 36 * 3_600_000],
    ['0', 0],
    ['0s', 0]
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, 'overlap')).toBe(ms)
  })

  it.each(['', 'h', '24', '1.5h', '-2h', '24H', '30m1h', '1 h', '2y', 'P1D'])(
    "rejects '%s' naming the input and the accepted forms",
    text => {
      expect(() => parseDuration(text, 'overlap')).toThrow(UserError)
      expect(() => parseDuration(text, 'overlap')).toThrow(
        `Input 'overlap' must be a duration such as 30s, 90m, 24h, 7d, 2w`
      )
      expect(() => parseDuration(text, 'overlap')).toThrow(`got '${text}'`)
    }
  )
})

describe('parseInstant', () => {
  it.each([
    ['2026-10-05T10:00:00Z', '2026-10-05T10:00:00.000Z'],
    ['2026-10-05T10:00:00.123+02:00', '2026-10-05T08:00:00.123Z'],
    ['2026-10-05T10:00:00.1234567Z', '2026-10-05T10:00:00.123Z'],
    ['2026-10-05T10:00-05:30', '2026-10-05T15:30:00.000Z'],
    ['2026-10-05T10:00:00+0100', '2026-10-05T09:00:00.000Z'],
    ['2026-10-05', '2026-10-05T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['now', NOW.toISOString()],
    ['NOW', NOW.toISOString()],
    ['30s', '2026-10-05T10:36:42.345Z'],
    ['90m', '2026-10-05T09:07:12.345Z'],
    ['24h', '2026-10-04T10:37:12.345Z'],
    ['7d', '2026-09-28T10:37:12.345Z'],
    ['2w', '2026-09-21T10:37:12.345Z'],
    ['1h30m', '2026-10-05T09:07:12.345Z']
  ])('%s -> %s', (text, expected) => {
    expect(iso(text)).toBe(expected)
  })

  it('does not map two-digit years to the 1900s', () => {
    expect(iso('0099-01-01')).toBe('0099-01-01T00:00:00.000Z')
  })

  it.each([
    ['2026-02-30', 'not a calendar date'],
    ['2025-02-29', 'not a calendar date'],
    ['2026-13-01', 'not a calendar date'],
    ['2026-04-31T00:00:00Z', 'not a calendar date'],
    ['2026-10-05T24:00:00Z', 'out of range'],
    ['2026-10-05T10:60:00Z', 'out of range'],
    ['2026-10-05T10:00:00', 'Add Z (UTC) or an offset'],
    ['yesterday', ''],
    ['2026/10/05', ''],
    ['1700000000', ''],
    ['', '']
  ])("rejects '%s'", (text, detail) => {
    const call = (): Date => parseInstant(text, 'until', NOW)
    expect(call).toThrow(UserError)
    expect(call).toThrow(`Input 'until' must be an ISO-8601 instant`)
    expect(call).toThrow(`got '${text}'`)
    expect(call).toThrow("'now', or a duration ago")
    if (detail) expect(call).toThrow(detail)
  })
})

describe('resolveWindow', () => {
  const resolve = (since: string, until: string, align: 'none' | 'hour' | 'day' = 'none') =>
    resolveWindow({ since, until, align, now: NOW })
  const bounds = (since: string, until: string, align: 'none' | 'hour' | 'day' = 'none') => {
    const { window } = resolve(since, until, align)
    return [formatInstant(window.start), formatInstant(window.end)]
  }

  it('defaults give the last 24 hours up to now', () => {
    expect(bounds('24h', 'now')).toEqual(['2026-10-04T10:37:12.345Z', '2026-10-05T10:37:12.345Z'])
    expect(resolve('24h', 'now').warnings).toEqual([])
  })

  it('floors both bounds to the UTC hour', () => {
    expect(bounds('2h', 'now', 'hour')).toEqual(['2026-10-05T08:00:00Z', '2026-10-05T10:00:00Z'])
  })

  it('floors both bounds to the UTC day (a daily run exports yesterday)', () => {
    expect(bounds('24h', 'now', 'day')).toEqual(['2026-10-04T00:00:00Z', '2026-10-05T00:00:00Z'])
    // Offsets are converted before flooring: 01:00+02:00 is 23:00 UTC the day before.
    expect(bounds('2026-10-03T01:00:00+02:00', 'now', 'day')[0]).toBe('2026-10-02T00:00:00Z')
  })

  it('rejects a start that is not before the end, naming both values', () => {
    const call = (): unknown => resolve('2026-10-05T10:00:00Z', '2026-10-05T10:00:00Z')
    expect(call).toThrow(UserError)
    expect(call).toThrow(
      "The time window is empty: since '2026-10-05T10:00:00Z' (2026-10-05T10:00:00Z) and until " +
        "'2026-10-05T10:00:00Z' (2026-10-05T10:00:00Z)"
    )
    expect(() => resolve('1h', '2h')).toThrow('start must be before the end')
  })

  it('rejects a start in the future, since the end counts as now', () => {
    expect(() => resolve('2026-10-06', '2026-10-07')).toThrow('The time window is empty')
  })

  it('explains when alignment alone empties the window', () => {
    const call = (): unknown => resolve('30m', 'now', 'hour')
    expect(call).toThrow('with align: hour')
    expect(call).toThrow('(2026-10-05T10:00:00Z)')
    expect(call).toThrow('set align: none')
  })

  it('clamps an end more than a minute in the future to now, with a warning', () => {
    const { window, warnings } = resolve('1h', '2026-10-05T12:00:00Z')
    expect(window.end.toISOString()).toBe(NOW.toISOString())
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("Input 'until' ('2026-10-05T12:00:00Z'")
    expect(warnings[0]).toContain('is in the future')
  })

  it('clamps clock skew under a minute silently', () => {
    const { window, warnings } = resolve('1h', '2026-10-05T10:37:40Z')
    expect(window.end.toISOString()).toBe(NOW.toISOString())
    expect(warnings).toEqual([])
  })

  it('names the bound that failed to parse', () => {
    expect(() => resolve('soon', 'now')).toThrow("Input 'since'")
    expect(() => resolve('1h', 'later')).toThrow("Input 'until'")
  })
})

describe('retentionWarnings', () => {
  const warn = (since: string): string[] =>
    retentionWarnings(resolveWindow({ since, until: 'now', align: 'none', now: NOW }).window, NOW)

  it('is silent within 7 days', () => {
    expect(warn('7d')).toEqual([])
    expect(warn('24h')).toEqual([])
  })

  it('notes Free tenants keep 7 days', () => {
    const warnings = warn('8d')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Entra ID Free keep only 7 days')
    expect(warnings[0]).toContain('before 2026-09-28T10:37:12.345Z')
  })

  it('warns that nothing before 30 days can be exported', () => {
    const warnings = warn('2026-08-01')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('The window starts at 2026-08-01T00:00:00Z')
    expect(warnings[0]).toContain('at most 30 days (P1/P2')
    expect(warnings[0]).toContain('the part before 2026-09-05T10:37:12.345Z cannot be exported')
  })
})
