/**
 * The findings a run computes while streaming, as plain JSON: they go into
 * manifest.json for later steps as well as into the step summary.
 */
import type { LogTypeName } from '../settings.js'

export interface TopEntry {
  /** What is counted: a display name, an activity, a failure reason (tenant-controlled text). */
  name: string
  /** A second identifier beside the name: appId, error code, 'user' or 'app'. */
  detail?: string
  count: number
  /** For the top failing service principals: their most frequent failure reasons. */
  reasons?: TopEntry[]
}

export interface TopList {
  /** Most frequent first; ties by name so the order is stable. */
  entries: TopEntry[]
  /** Distinct keys counted (at most the cap; then `capped` is true). */
  distinct: number
  /** Records whose key was first seen after the cap was reached: counted only as "other". */
  otherRecords: number
  capped: boolean
}

export interface Timeline {
  /** Bucket width: an hour, or a day (or several) when the window is longer than 3 days. */
  bucket: 'hour' | 'day'
  bucketMs: number
  /** Start of the first bucket (the window start, floored to the bucket). */
  start: string
  counts: number[]
  /** Records without a parseable time or outside the buckets (normally 0). */
  outside: number
  /**
   * The window the buckets cover. The first bucket is partial when it starts
   * before windowStart, the last when it ends after windowEnd: fewer records
   * there mean less time, not less activity (see partialEdges).
   */
  windowStart: string
  windowEnd: string
}

interface Base {
  records: number
  timeline?: Timeline
}

/** Service-principal and managed-identity sign-ins. */
export interface WorkloadFindings extends Base {
  kind: 'workload'
  /** Sign-ins with status.errorCode != 0. */
  failures: number
  topPrincipals: TopList
  topFailingPrincipals: TopList
  credentialTypes: TopList
  /** Principals signing in with a client secret, the weakest credential type. */
  clientSecretPrincipals: TopList
  countries: TopList
}

/** Interactive and non-interactive user sign-ins. */
export interface UserFindings extends Base {
  kind: 'user'
  failures: number
  failureReasons: TopList
  topApps: TopList
  countries: TopList
}

export interface AuditFindings extends Base {
  kind: 'audit'
  /** Operations whose result is not 'success'. */
  failures: number
  topActivities: TopList
  topInitiators: TopList
  failedActivities: TopList
}

export interface ProvisioningFindings extends Base {
  kind: 'provisioning'
  /** provisioningStatusInfo.status 'failure'. */
  failures: number
  statuses: TopList
  actions: TopList
}

/** Log types without a breakdown (service-principal activity) still report their count. */
export interface CountOnlyFindings extends Base {
  kind: 'count'
}

export type LogTypeFindings =
  WorkloadFindings | UserFindings | AuditFindings | ProvisioningFindings | CountOnlyFindings

export interface Findings {
  schemaVersion: 1
  /** Entries kept per list. */
  topN: number
  /** Distinct keys counted per list before the rest is counted as "other". */
  maxKeysPerList: number
  logTypes: Partial<Record<LogTypeName, LogTypeFindings>>
}
