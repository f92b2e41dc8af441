import { child, signInError, text, UNKNOWN, type Json } from './fields.js'
import { clip, MAX_KEY_CHARS, TopCounter, topEntries } from './top-counter.js'
import type { UserFindings, WorkloadFindings } from './types.js'

/** How many failure reasons to show per failing service principal. */
const REASONS_PER_PRINCIPAL = 3

export interface Collector<T> {
  add(record: Json): void
  result(topN: number): T
}

type Breakdown<T> = Omit<T, 'records' | 'timeline'>

/**
 * Service-principal and managed-identity sign-ins: who signs in, who fails and
 * why, with which kind of credential, from where.
 */
/** The top-level fields workloadSignIns reads (a record cut to them gives the same findings). */
export const WORKLOAD_FIELDS = [
  'servicePrincipalName',
  'appDisplayName',
  'servicePrincipalId',
  'appId',
  'clientCredentialType',
  'location',
  'status'
] as const

export function workloadSignIns(maxKeys: number): Collector<Breakdown<WorkloadFindings>> {
  const principals = new TopCounter(maxKeys)
  const failing = new TopCounter(maxKeys)
  // Reasons keyed by principal + reason in one bounded map for all principals;
  // the composite key holds two clipped texts, hence the longer key limit.
  const reasonsByPrincipal = new TopCounter(maxKeys, 2 * MAX_KEY_CHARS + 1)
  const credentialTypes = new TopCounter(maxKeys)
  const secretUsers = new TopCounter(maxKeys)
  const countries = new TopCounter(maxKeys)
  let failures = 0
  return {
    add(record) {
      const name =
        text(record, 'servicePrincipalName') ??
        text(record, 'appDisplayName') ??
        text(record, 'servicePrincipalId') ??
        UNKNOWN
      const appId = text(record, 'appId')
      principals.add(name, appId)
      const credential = text(record, 'clientCredentialType') ?? UNKNOWN
      credentialTypes.add(credential)
      if (credential === 'clientSecret') secretUsers.add(name, appId)
      countries.add(text(child(record, 'location'), 'countryOrRegion') ?? UNKNOWN)
      const error = signInError(record)
      if (error) {
        failures++
        failing.add(name, appId)
        reasonsByPrincipal.add(
          `${clip(name)}\u0000${clip(error.reason)}`,
          `${clip(appId ?? '')}\u0000${error.code}`
        )
      }
    },
    result(topN) {
      const topFailing = failing.top(topN)
      for (const entry of topFailing.entries) {
        const namePrefix = `${entry.name}\u0000`
        const detailPrefix = `${entry.detail ?? ''}\u0000`
        const mine = [...reasonsByPrincipal.entries()]
          .filter(s => s.name.startsWith(namePrefix) && s.detail?.startsWith(detailPrefix))
          .map(s => ({
            name: s.name.slice(namePrefix.length),
            detail: (s.detail ?? '').slice(detailPrefix.length),
            count: s.count
          }))
        entry.reasons = topEntries(mine, REASONS_PER_PRINCIPAL)
      }
      return {
        kind: 'workload',
        failures,
        topPrincipals: principals.top(topN),
        topFailingPrincipals: topFailing,
        credentialTypes: credentialTypes.top(topN),
        clientSecretPrincipals: secretUsers.top(topN),
        countries: countries.top(topN)
      }
    }
  }
}

/** The top-level fields userSignIns reads. */
export const USER_FIELDS = ['appDisplayName', 'appId', 'location', 'status'] as const

/** Interactive and non-interactive user sign-ins: why they fail, to what, from where. */
export function userSignIns(maxKeys: number): Collector<Breakdown<UserFindings>> {
  const reasons = new TopCounter(maxKeys)
  const apps = new TopCounter(maxKeys)
  const countries = new TopCounter(maxKeys)
  let failures = 0
  return {
    add(record) {
      apps.add(text(record, 'appDisplayName') ?? text(record, 'appId') ?? UNKNOWN)
      countries.add(text(child(record, 'location'), 'countryOrRegion') ?? UNKNOWN)
      const error = signInError(record)
      if (error) {
        failures++
        reasons.add(error.reason, error.code)
      }
    },
    result(topN): Breakdown<UserFindings> {
      return {
        kind: 'user',
        failures,
        failureReasons: reasons.top(topN),
        topApps: apps.top(topN),
        countries: countries.top(topN)
      }
    }
  }
}
