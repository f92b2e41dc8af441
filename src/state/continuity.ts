import { normalise, subtract, toIso, type Range } from '../ranges.js'
import { IdSet } from '../records/id-set.js'
import {
  RETENTION_FREE_DAYS,
  RETENTION_FREE_MS,
  RETENTION_PREMIUM_DAYS,
  RETENTION_PREMIUM_MS
} from '../graph-limits.js'
import { LOG_TYPE_SPECS } from '../log-types.js'
import type { LogTypeName, Settings, TimeWindow } from '../settings.js'
import { packIds, unpackIds, type ExportState, type LogTypeState } from './state-format.js'

/** What continuity reads of the settings: the series (tenant, log types) and its window. */
export type ContinuitySettings = Pick<
  Settings,
  'tenantId' | 'logTypes' | 'window' | 'overlapMs' | 'sinceIsAbsolute'
>

export type ContinuityStatus =
  /** No earlier state: the window starts at `since`; continuity is not proven. */
  | 'first-run'
  /** Continues from the previous run's end, re-reading the overlap. */
  | 'continued'
  /** Continues, but part of the stretch since the previous run is past retention. */
  | 'gap'

/** How one log type's window was chosen, for the export, the manifest and the summary. */
export interface LogTypePlan {
  window: TimeWindow
  continuity: ContinuityStatus
  previousEnd?: Date
  /** Ids the previous run exported in its overlap: not exported again. */
  alreadyExported?: IdSet
  /** Records from here to the window's end have their ids remembered for the next run. */
  rememberFrom: number
  /** Ranges before previousEnd an earlier stopped run left unexported: read again. */
  pending?: Range[]
  /** The stretch that may have expired before this run could read it. */
  lostRange?: { start: Date; end: Date; retention: 'free' | 'premium' }
}

export interface ContinuityPlan {
  plans: Partial<Record<LogTypeName, LogTypePlan>>
  warnings: string[]
}

/**
 * Per windowed log type: continue from the previous run's end minus the
 * overlap, or from `since` when there is no usable state. Service-principal
 * activity is a snapshot and is exported whole every run.
 */
export function planContinuity(
  settings: ContinuitySettings,
  state: ExportState | undefined,
  now: Date
): ContinuityPlan {
  const warnings: string[] = []
  const plans: Partial<Record<LogTypeName, LogTypePlan>> = {}
  const end = settings.window.end
  const rememberFrom = end.getTime() - settings.overlapMs
  const usable = state && state.tenantId === settings.tenantId ? state : undefined
  if (state && !usable) {
    warnings.push(
      `The saved export state belongs to tenant ${state.tenantId}, not ${settings.tenantId}: ignoring it. Set a distinct state-key per tenant.`
    )
  }
  for (const name of settings.logTypes) {
    if (!LOG_TYPE_SPECS[name].timeField) continue
    const previous = usable?.logTypes[name]
    if (!previous) {
      plans[name] = { window: settings.window, continuity: 'first-run', rememberFrom }
      continue
    }
    const previousEnd = new Date(previous.end)
    // The overlap never re-reads before an absolute `since`: those records were never asked for.
    const floor = settings.sinceIsAbsolute ? settings.window.start.getTime() : -Infinity
    const start = new Date(
      Math.min(Math.max(previousEnd.getTime() - settings.overlapMs, floor), end.getTime())
    )
    const pending = normalise(
      (previous.pending ?? []).map(r => ({
        startMs: Math.max(Date.parse(r.start), floor),
        endMs: Math.min(Date.parse(r.end), end.getTime())
      }))
    )
    const plan: LogTypePlan = {
      window: { start, end },
      continuity: 'continued',
      previousEnd,
      alreadyExported: idSetOf(previous),
      rememberFrom,
      pending: pending.length > 0 ? pending : undefined
    }
    const lost = lostRange(previousEnd, now)
    if (lost) {
      plan.continuity = lost.retention === 'premium' ? 'gap' : 'continued'
      plan.lostRange = lost
      warnings.push(
        lost.retention === 'premium'
          ? `${name}: the previous export ended at ${previousEnd.toISOString()}, more than ${RETENTION_PREMIUM_DAYS} days ago. ` +
              `Records from ${lost.start.toISOString()} to ${lost.end.toISOString()} are past Entra's retention and are lost for good: this export cannot include them.`
          : `${name}: the previous export ended at ${previousEnd.toISOString()}, more than ${RETENTION_FREE_DAYS} days ago. ` +
              `On a tenant without Entra ID P1/P2 (${RETENTION_FREE_DAYS}-day retention), records from ${lost.start.toISOString()} to ${lost.end.toISOString()} have expired and are missing from this export.`
      )
    }
    plans[name] = plan
  }
  return { plans, warnings }
}

function lostRange(previousEnd: Date, now: Date): LogTypePlan['lostRange'] {
  const premiumEdge = now.getTime() - RETENTION_PREMIUM_MS
  const freeEdge = now.getTime() - RETENTION_FREE_MS
  if (previousEnd.getTime() < premiumEdge) {
    return { start: previousEnd, end: new Date(premiumEdge), retention: 'premium' }
  }
  if (previousEnd.getTime() < freeEdge) {
    return { start: previousEnd, end: new Date(freeEdge), retention: 'free' }
  }
  return undefined
}

function idSetOf(entry: LogTypeState): IdSet {
  const ids = new IdSet()
  for (const id of unpackIds(entry)) ids.add(id)
  return ids
}

/** What one log type of this run delivered, for the next state. */
export interface LogTypeOutcome {
  logType: LogTypeName
  /** 'ok': all of targetRanges delivered; 'stopped': completeRanges delivered; 'failed': nothing counts. */
  status: 'ok' | 'stopped' | 'failed'
  rememberedIds: string[]
  /** What this run was to read (its window and earlier runs' missing ranges). */
  targetRanges?: Range[]
  completeRanges?: Range[]
}

/**
 * The state to save after this run: log types that succeeded move forward to
 * this window's end; a stopped one moves forward too, recording the ranges it
 * did not reach as pending so the next run reads exactly those; failed ones
 * keep their previous entry, so the next run re-covers what this one could not
 * deliver. The saved end never moves backwards.
 */
export function nextState(
  previous: ExportState | undefined,
  settings: Pick<Settings, 'tenantId' | 'window' | 'overlapMs'>,
  outcomes: LogTypeOutcome[],
  now: Date,
  runId: string | undefined
): ExportState {
  const logTypes: ExportState['logTypes'] =
    previous && previous.tenantId === settings.tenantId ? { ...previous.logTypes } : {}
  for (const outcome of outcomes) {
    if (outcome.status === 'failed' || !LOG_TYPE_SPECS[outcome.logType].timeField) continue
    const before = logTypes[outcome.logType]
    const endMs = Math.max(settings.window.end.getTime(), before ? Date.parse(before.end) : 0)
    if (before && Date.parse(before.end) > settings.window.end.getTime()) {
      // This run read an older stretch (an earlier `until`): keep the later end, add nothing.
      continue
    }
    const missing =
      outcome.status === 'ok'
        ? []
        : subtract(outcome.targetRanges ?? [], outcome.completeRanges ?? [])
    logTypes[outcome.logType] = {
      end: new Date(endMs).toISOString(),
      idsFrom: new Date(endMs - settings.overlapMs).toISOString(),
      ...packIds(outcome.rememberedIds),
      ...(missing.length > 0 ? { pending: toIso(missing) } : {})
    }
  }
  return { version: 1, tenantId: settings.tenantId, savedAt: now.toISOString(), runId, logTypes }
}
