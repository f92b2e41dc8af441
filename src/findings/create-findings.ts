import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName, Settings } from '../settings.js'
import { AUDIT_FIELDS, directoryAudits, PROVISIONING_FIELDS, provisioningEvents } from './audit.js'
import type { Json } from './fields.js'
import {
  USER_FIELDS,
  userSignIns,
  WORKLOAD_FIELDS,
  workloadSignIns,
  type Collector
} from './sign-ins.js'
import { TimelineCounter } from './timeline.js'
import { MAX_KEYS_PER_LIST } from './top-counter.js'
import type { Findings, LogTypeFindings } from './types.js'

export const TOP_N = 10

export interface FindingsOptions {
  topN?: number
  maxKeysPerList?: number
}

export interface FindingsCollector {
  /** Feed one written record; pass as ExportBoundary.observe. Never throws. */
  observe(logType: LogTypeName, record: Json): void
  /**
   * The part of a record observe reads (pass as ExportBoundary.observedPart):
   * observing it gives the same findings as observing the record, so export can
   * keep it, small, from when the record was read to when it is written.
   */
  observedPart(logType: LogTypeName, record: Json): Json
  /** The findings so far, as plain JSON (safe to call more than once). */
  result(): Findings
}

/** One log type's findings without the parts every kind shares (distributes over the union). */
type Breakdown = LogTypeFindings extends infer T
  ? T extends LogTypeFindings
    ? Omit<T, 'records' | 'timeline'>
    : never
  : never

function breakdownFor(logType: LogTypeName, maxKeys: number): Collector<Breakdown> | undefined {
  switch (logType) {
    case 'service-principal-sign-ins':
    case 'managed-identity-sign-ins':
      return workloadSignIns(maxKeys)
    case 'interactive-sign-ins':
    case 'non-interactive-sign-ins':
      return userSignIns(maxKeys)
    case 'audit-logs':
      return directoryAudits(maxKeys)
    case 'provisioning-logs':
      return provisioningEvents(maxKeys)
    default:
      // service-principal-activity is one row per principal: its count says enough.
      return undefined
  }
}

/** The top-level fields a log type's findings read: its breakdown's, and its time field. */
function observedFields(logType: LogTypeName): readonly string[] {
  const breakdown: Record<LogTypeName, readonly string[]> = {
    'service-principal-sign-ins': WORKLOAD_FIELDS,
    'managed-identity-sign-ins': WORKLOAD_FIELDS,
    'interactive-sign-ins': USER_FIELDS,
    'non-interactive-sign-ins': USER_FIELDS,
    'audit-logs': AUDIT_FIELDS,
    'provisioning-logs': PROVISIONING_FIELDS,
    'service-principal-activity': []
  }
  const timeField = LOG_TYPE_SPECS[logType].timeField
  return timeField ? [...breakdown[logType], timeField] : breakdown[logType]
}

interface PerLogType {
  records: number
  breakdown?: Collector<Breakdown>
  timeline?: TimelineCounter
}

/**
 * Findings computed while the export streams, in memory bounded by the number
 * of log types and `maxKeysPerList` (never by the number of records).
 */
export function createFindings(
  settings: Pick<Settings, 'window' | 'logTypes'>,
  options: FindingsOptions = {}
): FindingsCollector {
  const topN = options.topN ?? TOP_N
  const maxKeys = options.maxKeysPerList ?? MAX_KEYS_PER_LIST
  const perLogType = new Map<LogTypeName, PerLogType>()
  const stateFor = (logType: LogTypeName): PerLogType => {
    let state = perLogType.get(logType)
    if (!state) {
      const timeField = LOG_TYPE_SPECS[logType].timeField
      state = {
        records: 0,
        breakdown: breakdownFor(logType, maxKeys),
        timeline: timeField ? new TimelineCounter(settings.window, timeField) : undefined
      }
      perLogType.set(logType, state)
    }
    return state
  }
  // Every requested log type appears in the findings, with zeros when it had no records.
  for (const logType of settings.logTypes) stateFor(logType)

  return {
    observe(logType, record) {
      const state = stateFor(logType)
      state.records++
      state.timeline?.add(record)
      state.breakdown?.add(record)
    },
    observedPart(logType, record) {
      const part: Json = {}
      for (const field of observedFields(logType)) {
        if (Object.hasOwn(record, field)) part[field] = record[field]
      }
      return part
    },
    result() {
      const logTypes: Findings['logTypes'] = {}
      for (const [logType, state] of perLogType) {
        const breakdown: Breakdown = state.breakdown?.result(topN) ?? { kind: 'count' }
        const shared = { records: state.records, timeline: state.timeline?.result() }
        logTypes[logType] = { ...breakdown, ...shared }
      }
      return { schemaVersion: 1, topN, maxKeysPerList: maxKeys, logTypes }
    }
  }
}
