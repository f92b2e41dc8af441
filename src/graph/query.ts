import type { LogTypeSpec } from '../log-types.js'

/** Graph timestamps carry 7 fractional digits: one tick is 100 ns. */
const TICKS_PER_MS = 10_000

/**
 * Graph wants unquoted ISO-8601 UTC literals in $filter (quoted ones give 400
 * "Invalid filter clause"). Whole seconds keep the literal in the shape of
 * Microsoft's own examples; `tickOffset` (-1) writes the instant one 100 ns tick
 * earlier with all 7 fractional digits (2026-10-05T10:59:59.9999999Z).
 */
export function odataInstant(ms: number, tickOffset: 0 | -1 = 0): string {
  if (tickOffset === 0) return new Date(ms).toISOString().replace('.000Z', 'Z')
  const base = Math.floor(ms)
  const ticks = (base - Math.floor(base / 1000) * 1000) * TICKS_PER_MS - 1
  const second = Math.floor(base / 1000) * 1000 + (ticks < 0 ? -1000 : 0)
  const fraction = ticks < 0 ? 1000 * TICKS_PER_MS - 1 : ticks
  return `${new Date(second).toISOString().slice(0, 19)}.${String(fraction).padStart(7, '0')}Z`
}

/**
 * The time clauses for [startMs, endMs) with only the operators the API
 * reference documents for this log type (see LogTypeSpec.timeOperators):
 * `ge start and le end-1tick`, or `gt start-1tick and lt end`.
 */
export function timeClauses(
  spec: LogTypeSpec,
  range: { startMs: number; endMs: number }
): string[] {
  if (!spec.timeField) return []
  const ops = spec.timeOperators ?? { lower: 'ge', upper: 'le' }
  const lower = ops.lower === 'ge' ? odataInstant(range.startMs) : odataInstant(range.startMs, -1)
  const upper = ops.upper === 'lt' ? odataInstant(range.endMs) : odataInstant(range.endMs, -1)
  return [`${spec.timeField} ${ops.lower} ${lower}`, `${spec.timeField} ${ops.upper} ${upper}`]
}

/** The $filter for one time range [startMs, endMs) of a log type, plus the user's clause. */
export function buildFilter(
  spec: LogTypeSpec,
  range: { startMs: number; endMs: number } | undefined,
  extraFilter: string
): string {
  const clauses: string[] = []
  if (spec.timeField && range) clauses.push(...timeClauses(spec, range))
  if (spec.eventType) clauses.push(`signInEventTypes/any(t: t eq '${spec.eventType}')`)
  if (extraFilter.trim() !== '') clauses.push(`(${extraFilter.trim()})`)
  return clauses.join(' and ')
}

/** The first URL of a query; later pages follow @odata.nextLink verbatim. */
export function buildQueryUrl(
  graphEndpoint: string,
  spec: LogTypeSpec,
  filter: string,
  pageSize: number
): string {
  const params: string[] = []
  if (filter !== '') params.push(`$filter=${encodeURIComponent(filter)}`)
  // Order is asked for where it is not the documented default (directoryAudits, provisioning).
  if (spec.order && 'orderBy' in spec.order) {
    params.push(`$orderby=${encodeURIComponent(spec.order.orderBy)}`)
  }
  // The activity report has one row per service principal and is not windowed: Graph's default paging is enough.
  if (spec.timeField) params.push(`$top=${pageSize}`)
  const query = params.length > 0 ? `?${params.join('&')}` : ''
  return `${graphEndpoint}/${spec.version}${spec.path}${query}`
}

/**
 * Milliseconds of a record's time field, or NaN when absent/unparseable. Graph
 * sends up to 7 fractional digits; Date.parse handles any count in V8, but we
 * trim to 3 to be safe across engines.
 */
export function recordTimeMs(record: Record<string, unknown>, field: string): number {
  const value = record[field]
  if (typeof value !== 'string') return Number.NaN
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1')
  return Date.parse(trimmed)
}
