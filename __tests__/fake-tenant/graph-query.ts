/**
 * Query side of the fake Graph: which route serves which log type, turning $filter and
 * $top into key bounds, and resumable cursors over the dataset.
 */
import type { LogTypeName } from '../../src/settings.js'
import type { Dataset, GraphRecord } from './dataset.js'
import { type Clause, FilterError, parseFilter, valueAt } from './odata-filter.js'
import { EVENT_TYPE_OF } from './record-shapes.js'

export type Route = { signIns: 'beta' | 'v1.0' } | { logType: LogTypeName }

export const ROUTES: Record<string, Route> = {
  '/beta/auditLogs/signIns': { signIns: 'beta' },
  '/v1.0/auditLogs/signIns': { signIns: 'v1.0' },
  '/v1.0/auditLogs/directoryAudits': { logType: 'audit-logs' },
  '/beta/auditLogs/directoryAudits': { logType: 'audit-logs' },
  '/v1.0/auditLogs/provisioning': { logType: 'provisioning-logs' },
  '/beta/auditLogs/provisioning': { logType: 'provisioning-logs' },
  '/beta/reports/servicePrincipalSignInActivities': { logType: 'service-principal-activity' }
}

/**
 * The comparison operators each List API documents on its time field. The fake's own
 * table, copied from Microsoft's API reference (not from the exporter's catalogue):
 * - api-reference/beta/api/signin-list.md: createdDateTime eq, le, ge
 * - api-reference/v1.0/api/directoryaudit-list.md: $filter (eq, ge, le, startswith)
 * - api-reference/v1.0/api/provisioningobjectsummary-list.md: $filter (eq, contains, gt, lt)
 * Anything else is a 400 "Invalid filter clause" here (Graph's answer to an unsupported clause).
 */
export const DOCUMENTED_TIME_OPS: Record<string, readonly string[]> = {
  signIns: ['eq', 'ge', 'le'],
  'audit-logs': ['eq', 'ge', 'le'],
  'provisioning-logs': ['eq', 'gt', 'lt']
}

/**
 * $orderby: documented for directoryAudits and provisioning (the pages above); signIns
 * document none (they come newest first by default). Only `activityDateTime desc` is
 * simulated.
 */
const ORDER_BY: Partial<Record<string, string>> = {
  'audit-logs': 'activityDateTime desc',
  'provisioning-logs': 'activityDateTime desc'
}

const LOG_TYPE_OF_EVENT = new Map<string, LogTypeName>(
  Object.entries(EVENT_TYPE_OF).map(([logType, ev]) => [ev, logType as LogTypeName])
)

export interface Query {
  logType: LogTypeName
  path: string
  filter: string
  top: number
  loKey: number
  hiKey: number
  eqs: Extract<Clause, { kind: 'eq' }>[]
  /** Contradictory event types: nothing can match. */
  empty: boolean
  /** Served newest first: sign-ins always (documented), audit and provisioning only with $orderby. */
  ordered: boolean
  orderBy?: string
  /** The query's own lower time bound in ticks (-Infinity: none), for the retention check. */
  lowerKey: number
}

/** Where the next page starts: after `skipAtKey` matching records whose key is `afterKey`. */
export interface Cursor {
  query: Query
  afterKey: number
  skipAtKey: number
  /** Unordered queries: every match, shuffled once when the query started, and where the next page starts. */
  shuffled?: { entries: { key: number; record: GraphRecord }[]; offset: number }
}

/**
 * API availability per national cloud, from the API reference's tables:
 * signin-list, directoryaudit-list and provisioningobjectsummary-list include
 * `includes/global-us.md` (global, US Gov L4, L5; not China); the
 * servicePrincipalSignInActivities report includes `includes/global-only.md`.
 */
export const CLOUD_AVAILABILITY: Record<string, readonly string[]> = {
  signIns: ['public', 'usgov', 'usgov-dod'],
  'audit-logs': ['public', 'usgov', 'usgov-dod'],
  'provisioning-logs': ['public', 'usgov', 'usgov-dod'],
  'service-principal-activity': ['public']
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

export const invalidFilter = (): GraphError =>
  new GraphError(400, 'BadRequest', 'Invalid filter clause')

export function parseQuery(
  route: Route,
  path: string,
  params: URLSearchParams,
  dataset: Dataset
): Query {
  const filter = params.get('$filter') ?? ''
  if (params.has('$skip'))
    throw new GraphError(400, 'BadRequest', "Query option '$skip' is not allowed.")
  const topText = params.get('$top')
  const top = topText === null ? 1000 : Number(topText)
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    throw new GraphError(
      400,
      'BadRequest',
      `Invalid page size specified: '${topText}'. Must be between 1 and 1000 inclusive.`
    )
  }
  const probeType = 'logType' in route ? route.logType : 'interactive-sign-ins'
  const timeField = dataset.store(probeType).timeField
  let clauses: Clause[]
  try {
    clauses = filter ? parseFilter(filter, timeField) : []
  } catch (e) {
    if (e instanceof FilterError) throw invalidFilter()
    throw e
  }
  const documented = DOCUMENTED_TIME_OPS['logType' in route ? route.logType : 'signIns']
  if (clauses.some(c => c.kind === 'time' && !documented?.includes(c.op))) throw invalidFilter()
  const orderBy = params.get('$orderby')
  const allowedOrder = 'logType' in route ? ORDER_BY[route.logType] : undefined
  if (orderBy !== null && orderBy.trim().replace(/\s+/g, ' ') !== allowedOrder) {
    throw new GraphError(
      400,
      'BadRequest',
      allowedOrder
        ? `The simulated tenant supports $orderby=${allowedOrder} only.`
        : 'OrderBy not supported.'
    )
  }
  const events = new Set(clauses.flatMap(c => (c.kind === 'eventType' ? [c.value] : [])))
  let logType: LogTypeName
  if ('logType' in route) {
    if (events.size > 0) throw invalidFilter()
    logType = route.logType
  } else {
    if (route.signIns === 'v1.0' && events.size > 0) {
      throw new GraphError(
        400,
        'BadRequest',
        "Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'."
      )
    }
    // Without the lambda Graph returns interactive sign-ins only.
    const first = events.size > 0 ? [...events][0] : 'interactiveUser'
    const lt = LOG_TYPE_OF_EVENT.get(first)
    if (!lt) throw invalidFilter()
    logType = lt
  }
  const store = dataset.store(logType)
  let loKey = -Infinity
  let hiKey = Infinity
  for (const c of clauses) {
    if (c.kind !== 'time') continue
    const k = store.keyOfInstant(c.wholeSecondMs, c.ticks)
    // Keys are whole 100 ns ticks, so strict bounds move by one tick.
    if (c.op === 'ge' || c.op === 'eq') loKey = Math.max(loKey, k)
    if (c.op === 'gt') loKey = Math.max(loKey, k + 1)
    if (c.op === 'le' || c.op === 'eq') hiKey = Math.min(hiKey, k)
    if (c.op === 'lt') hiKey = Math.min(hiKey, k - 1)
  }
  const eqs = clauses.filter((c): c is Extract<Clause, { kind: 'eq' }> => c.kind === 'eq')
  return {
    logType,
    path,
    filter,
    top,
    loKey,
    hiKey,
    eqs,
    empty: events.size > 1,
    ordered: allowedOrder === undefined || orderBy !== null,
    orderBy: orderBy ?? undefined,
    lowerKey: loKey
  }
}

export function* matching(
  dataset: Dataset,
  cursor: Cursor
): Generator<{ key: number; record: GraphRecord }> {
  const q = cursor.query
  if (q.empty) return
  let skip = cursor.skipAtKey
  const hi = Math.min(q.hiKey, cursor.afterKey)
  for (const e of dataset.store(q.logType).entries(q.loKey, hi)) {
    if (!q.eqs.every(c => valueAt(e.record, c.path) === c.value)) continue
    if (e.key === cursor.afterKey && skip > 0) {
      skip--
      continue
    }
    yield e
  }
}
