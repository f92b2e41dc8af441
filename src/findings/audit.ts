import { child, text, UNKNOWN } from './fields.js'
import type { Collector } from './sign-ins.js'
import { TopCounter } from './top-counter.js'
import type { AuditFindings, ProvisioningFindings } from './types.js'

type Breakdown<T> = Omit<T, 'records' | 'timeline'>

/** Directory audits: what was done, by whom, and what failed. */
/** The top-level fields directoryAudits reads (a record cut to them gives the same findings). */
export const AUDIT_FIELDS = ['activityDisplayName', 'initiatedBy', 'result'] as const

export function directoryAudits(maxKeys: number): Collector<Breakdown<AuditFindings>> {
  const activities = new TopCounter(maxKeys)
  const initiators = new TopCounter(maxKeys)
  const failed = new TopCounter(maxKeys)
  let failures = 0
  return {
    add(record) {
      const activity = text(record, 'activityDisplayName') ?? UNKNOWN
      activities.add(activity)
      // Graph fills one of user/app and leaves the other null.
      const by = child(record, 'initiatedBy')
      const upn = text(child(by, 'user'), 'userPrincipalName')
      const app = text(child(by, 'app'), 'displayName')
      if (upn) initiators.add(upn, 'user')
      else if (app) initiators.add(app, 'app')
      else initiators.add(UNKNOWN)
      const result = text(record, 'result')
      if (result !== 'success') {
        failures++
        failed.add(activity, result ?? UNKNOWN)
      }
    },
    result(topN) {
      return {
        kind: 'audit',
        failures,
        topActivities: activities.top(topN),
        topInitiators: initiators.top(topN),
        failedActivities: failed.top(topN)
      }
    }
  }
}

/** Provisioning: outcomes and actions of the provisioning service. */
/** The top-level fields provisioningEvents reads. */
export const PROVISIONING_FIELDS = ['provisioningStatusInfo', 'provisioningAction'] as const

export function provisioningEvents(maxKeys: number): Collector<Breakdown<ProvisioningFindings>> {
  const statuses = new TopCounter(maxKeys)
  const actions = new TopCounter(maxKeys)
  let failures = 0
  return {
    add(record) {
      const status = text(child(record, 'provisioningStatusInfo'), 'status') ?? UNKNOWN
      statuses.add(status)
      // Only 'failure': 'skipped' (out of scope) and 'warning' are not errors to act on.
      if (status === 'failure') failures++
      actions.add(text(record, 'provisioningAction') ?? UNKNOWN)
    },
    result(topN) {
      return {
        kind: 'provisioning',
        failures,
        statuses: statuses.top(topN),
        actions: actions.top(topN)
      }
    }
  }
}
