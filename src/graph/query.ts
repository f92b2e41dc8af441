import type { LogTypeSpec } from '../log-types.js'

/**
 * Graph wants unquoted ISO-8601 UTC literals in $filter (quoted ones give 400
 * "Invalid filter clause"). Whole seconds keep the literal in the shape of
 * Microsoft's own examples.
 */
export function odataInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

/** The $filter for one time range [startMs, endMs) of a log type, plus the user's clause. */
export function buildFilter(
  spec: LogTypeSpec,
  range: { startMs: number; endMs: number } | undefined,
  extraFilter: string
): string {
  const clauses: string[] = []
  if (spec.timeField && range) {
    clauses.push(`${spec.timeField} ge ${odataInstant(range.startMs)}`)
    clauses.push(`${spec.timeField} lt ${odataInstant(range.endMs)}`)
  }
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
