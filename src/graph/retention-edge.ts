/**
 * Graph's retention edge. A $filter whose lower time bound is older than what the
 * tenant keeps gets HTTP 400, code UnknownError, with the first instant Graph still
 * holds in the message, in .NET's en-US format and UTC:
 *   Specified argument was out of the range of valid values. (Parameter 'Minimum
 *   allowed time for activityDateTime is 6/12/2026 12:00:00 AM')
 * (`createdDateTime` for sign-ins). Sign-in and audit data is kept 7 days on tenants
 * without Microsoft Entra ID P1/P2 and 30 days otherwise (Entra docs, "Microsoft
 * Entra data retention"); api-reference/beta/api/signin-list.md: "Only sign-in events
 * that occurred within the ... default retention period are available."
 */
import type { GraphErrorBody } from './graph-errors.js'

const MINIMUM =
  /Minimum allowed time for (\w+) is (\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)?/i

/** The words that say "this lower bound is past retention", even when the minimum cannot be read. */
export function isRetentionEdge(status: number, error: GraphErrorBody): boolean {
  const message = error.message ?? ''
  return (
    status === 400 &&
    (/Minimum allowed time for/i.test(message) || /out of the range of valid values/i.test(message))
  )
}

/** The minimum instant in ms, or undefined when the message does not hold a readable one. */
export function parseRetentionEdge(message: string): number | undefined {
  const m = MINIMUM.exec(message)
  if (!m) return undefined
  const [month, day, year, hour, minute, second] = m.slice(2, 8).map(Number)
  const meridiem = m[8]?.toUpperCase()
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) return undefined
  let h = hour
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined
    h = (hour % 12) + (meridiem === 'PM' ? 12 : 0)
  } else if (hour > 23) {
    return undefined
  }
  const ms = Date.UTC(year, month - 1, day, h, minute, second)
  // Reject dates that rolled over (2/31 becomes 3/3).
  return new Date(ms).getUTCDate() === day ? ms : undefined
}

// Defined with the other documented limits; kept here for this module's importers.
export { RETENTION_NOTE } from '../graph-limits.js'
