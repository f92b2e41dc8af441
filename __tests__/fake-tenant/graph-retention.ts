/**
 * The fake Graph's retention edge. Entra keeps sign-ins and audits 30 days (7 on a
 * tenant without P1/P2); a query whose lower time bound is older than what the tenant
 * keeps gets 400 UnknownError with the minimum in US format, UTC:
 * "Specified argument was out of the range of valid values. (Parameter 'Minimum
 * allowed time for activityDateTime is 6/12/2026 12:00:00 AM')".
 */
import { GraphError } from './graph-query.js'
import type { GraphBehaviour } from './graph-behaviour.js'

const DAY_MS = 86_400_000

/** The first instant the tenant still holds, or undefined when retention is off. */
export function retentionEdgeMs(behaviour: GraphBehaviour, nowMs: number): number | undefined {
  const r = behaviour.retention
  if (r === false) return undefined
  if (r?.edge !== undefined) return new Date(r.edge).getTime()
  const days = r?.days ?? 30
  return Math.floor((nowMs - days * DAY_MS) / DAY_MS) * DAY_MS
}

/** 6/12/2026 12:00:00 AM: .NET's en-US general date/time pattern. */
export function usDateTime(ms: number): string {
  const d = new Date(ms)
  const h = d.getUTCHours()
  const pad = (n: number): string => String(n).padStart(2, '0')
  return (
    `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ` +
    `${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
  )
}

export function retentionError(field: string, edgeMs: number): GraphError {
  return new GraphError(
    400,
    'UnknownError',
    `Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for ${field} is ${usDateTime(edgeMs)}')`
  )
}
