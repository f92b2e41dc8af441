/**
 * The export's time window: parsing the `since`/`until` forms, aligning to UTC
 * boundaries and retention checks. Pure (takes `now`), so tests need no clock mocks.
 */
import { Inputs } from './constants.js'
import { UserError } from './errors.js'
import {
  RETENTION_FREE_DAYS,
  RETENTION_FREE_MS,
  RETENTION_PREMIUM_DAYS,
  RETENTION_PREMIUM_MS
} from './graph-limits.js'
import type { Align, TimeWindow } from './settings.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const WEEK = 7 * DAY

/** Clock skew tolerated before a future `until` earns a warning. */
const FUTURE_TOLERANCE = MINUTE

const DURATION_FORMS = '30s, 90m, 24h, 7d, 2w or a combination such as 1h30m'
const INSTANT_FORMS =
  'an ISO-8601 instant with Z or an offset (2026-10-05T10:00:00Z, 2026-10-05T10:00:00.123+02:00), ' +
  `an ISO date (2026-10-05, midnight UTC), 'now', or a duration ago (${DURATION_FORMS})`

// Units in descending order so a combination reads like a clock (1d12h, 1h30m);
// lower case only, so 'M' cannot be mistaken for months.
const DURATION_RE = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/
const DURATION_UNITS = [WEEK, DAY, HOUR, MINUTE, SECOND]

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
// Zone kept optional here only to give a precise error when it is missing.
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

/** Parses `30s`, `90m`, `24h`, `7d`, `2w`, `1h30m` (or `0`) into milliseconds. */
export function parseDuration(value: string, inputName: string): number {
  const text = value.trim()
  const match = text === '0' ? ['0'] : DURATION_RE.exec(text)
  if (text === '' || match === null) {
    throw new UserError(
      `Input '${inputName}' must be a duration such as ${DURATION_FORMS}; got '${value}'.`
    )
  }
  let total = 0
  DURATION_UNITS.forEach((unit, i) => {
    const digits = match[i + 1]
    if (digits !== undefined) total += Number(digits) * unit
  })
  if (!Number.isSafeInteger(total)) {
    throw new UserError(`Input '${inputName}' is too long a duration; got '${value}'.`)
  }
  return total
}

/** True for an instant given as a date or timestamp, false for 'now' or a duration ago. */
export function isAbsoluteInstant(value: string): boolean {
  const text = value.trim()
  return text.toLowerCase() !== 'now' && !(DURATION_RE.test(text) && text !== '')
}

/** Parses one bound of the window into an instant (UTC). */
export function parseInstant(value: string, inputName: string, now: Date): Date {
  const text = value.trim()
  const invalid = (detail = ''): UserError =>
    new UserError(
      `Input '${inputName}' must be ${INSTANT_FORMS}; got '${value}'.${detail ? ` ${detail}` : ''}`
    )

  if (text.toLowerCase() === 'now') return new Date(now.getTime())

  if (DURATION_RE.test(text) && text !== '') {
    return checkedDate(now.getTime() - parseDuration(text, inputName), invalid)
  }

  const date = DATE_RE.exec(text)
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])]
    if (!isCalendarDate(year, month, day)) throw invalid(`${text} is not a calendar date.`)
    return new Date(utcMillis(year, month, day, 0, 0, 0, 0))
  }

  const instant = INSTANT_RE.exec(text)
  if (instant) {
    const [year, month, day, hour, minute] = instant.slice(1, 6).map(Number)
    const second = instant[6] === undefined ? 0 : Number(instant[6])
    // Graph stores up to 7 fractional digits; milliseconds are all a Date holds.
    const millis = instant[7] === undefined ? 0 : Number(instant[7].slice(0, 3).padEnd(3, '0'))
    const zone = instant[8]
    if (zone === undefined) {
      // A local time would depend on the runner's time zone (UTC on GitHub, not on
      // self-hosted runners), so demand an explicit one.
      throw invalid('Add Z (UTC) or an offset such as +02:00.')
    }
    if (!isCalendarDate(year, month, day)) {
      throw invalid(`${text.slice(0, 10)} is not a calendar date.`)
    }
    if (hour > 23 || minute > 59 || second > 59) throw invalid(`The time of day is out of range.`)
    const offset = parseOffset(zone)
    if (offset === undefined) throw invalid(`The offset ${zone} is out of range.`)
    return checkedDate(utcMillis(year, month, day, hour, minute, second, millis) - offset, invalid)
  }

  throw invalid()
}

export interface WindowRequest {
  /** Raw `since` input. */
  since: string
  /** Raw `until` input. */
  until: string
  align: Align
  now: Date
}

export interface ResolvedWindow {
  window: TimeWindow
  /** Things the user should know but that do not stop the run (e.g. a clamped end). */
  warnings: string[]
}

/**
 * Turns `since`/`until` into the window [start, end): an end in the future is
 * clamped to now (no record can exist there, and reporting a future end would let
 * the next incremental run skip records that arrive meanwhile), then both bounds
 * are floored to the alignment unit.
 */
export function resolveWindow(request: WindowRequest): ResolvedWindow {
  const { since, until, align, now } = request
  const warnings: string[] = []
  const rawStart = parseInstant(since, Inputs.Since, now)
  let rawEnd = parseInstant(until, Inputs.Until, now)

  if (rawEnd.getTime() > now.getTime()) {
    if (rawEnd.getTime() - now.getTime() > FUTURE_TOLERANCE) {
      warnings.push(
        `Input '${Inputs.Until}' ('${until}' = ${formatInstant(rawEnd)}) is in the future; ` +
          `the window ends now (${formatInstant(now)}) instead.`
      )
    }
    rawEnd = new Date(now.getTime())
  }

  const start = floorTo(rawStart, align)
  const end = floorTo(rawEnd, align)
  if (start.getTime() >= end.getTime()) {
    const bounds =
      `${Inputs.Since} '${since}' (${formatInstant(start)}) and ` +
      `${Inputs.Until} '${until}' (${formatInstant(end)})`
    if (align !== 'none' && rawStart.getTime() < rawEnd.getTime()) {
      throw new UserError(
        `The time window is empty: with ${Inputs.Align}: ${align}, ${bounds} floor to the ` +
          `same UTC ${align}. Widen the window or set ${Inputs.Align}: none.`
      )
    }
    throw new UserError(
      `The time window is empty: ${bounds}; the start must be before the end ` +
        `(an end in the future counts as now).`
    )
  }
  return { window: { start, end }, warnings }
}

/**
 * Warnings when the window reaches further back than Entra keeps logs, so the
 * user does not mistake an empty early part for "nothing happened".
 */
export function retentionWarnings(window: TimeWindow, now: Date): string[] {
  const age = now.getTime() - window.start.getTime()
  const start = formatInstant(window.start)
  if (age > RETENTION_PREMIUM_MS) {
    const limit = formatInstant(new Date(now.getTime() - RETENTION_PREMIUM_MS))
    return [
      `The window starts at ${start}, more than ${RETENTION_PREMIUM_DAYS} days ago. Entra ID keeps sign-in and audit ` +
        `logs for at most ${RETENTION_PREMIUM_DAYS} days (P1/P2; ${RETENTION_FREE_DAYS} days on Free), so the part before ${limit} ` +
        `cannot be exported.`
    ]
  }
  if (age > RETENTION_FREE_MS) {
    const limit = formatInstant(new Date(now.getTime() - RETENTION_FREE_MS))
    return [
      `The window starts at ${start}, more than ${RETENTION_FREE_DAYS} days ago. Tenants on Entra ID Free keep ` +
        `only ${RETENTION_FREE_DAYS} days of logs, so without P1/P2 the part before ${limit} will be missing.`
    ]
  }
  return []
}

/** ISO-8601 in UTC, without milliseconds when they are zero (the common case). */
export function formatInstant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z')
}

function floorTo(date: Date, align: Align): Date {
  if (align === 'none') return new Date(date.getTime())
  const unit = align === 'hour' ? HOUR : DAY
  return new Date(Math.floor(date.getTime() / unit) * unit)
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return day <= days[month - 1]
}

// setUTCFullYear rather than Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
function utcMillis(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number
): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  return date.getTime()
}

/** Offset east of UTC in ms, or undefined when out of range. */
function parseOffset(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  return sign * (hours * HOUR + minutes * MINUTE)
}

function checkedDate(millis: number, invalid: (detail?: string) => UserError): Date {
  const date = new Date(millis)
  if (Number.isNaN(date.getTime())) throw invalid('It is out of the representable range.')
  return date
}
