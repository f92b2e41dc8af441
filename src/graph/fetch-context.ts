import type { LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import type { Cloud } from '../settings.js'
import type { Clock } from './clock.js'
import type { GraphTransport } from './graph-transport.js'
import type { Pacer } from './pacer.js'
import type { RetryPolicy } from './retry-policy.js'

export type FaultKind =
  | 'throttled'
  | 'server-error'
  | 'unauthorized'
  | 'licence-403'
  | 'network'
  | 'timeout'
  | 'bad-body'
  | 'auth'

/** What it cost to read a log type; summed into the manifest. */
export interface FetchCounters {
  requests: number
  pages: number
  retries: number
  throttled: number
  throttledWaitMs: number
  faults: Partial<Record<FaultKind, number>>
}

export function newCounters(): FetchCounters {
  return { requests: 0, pages: 0, retries: 0, throttled: 0, throttledWaitMs: 0, faults: {} }
}

/** Everything reading a page needs: the boundaries (transport, pacer, clock) and what to account to. */
export interface FetchContext {
  transport: GraphTransport
  pacer: Pacer
  clock: Clock
  policy: RetryPolicy
  logger: Logger
  spec: LogTypeSpec
  cloud: Cloud
  counters: FetchCounters
  random?: () => number
  /** Each attempt's request has just started (the pacer let it go). */
  onRequestStart?(): void
  /**
   * An attempt timed out: the caller may narrow what it asks for before the
   * retry (a narrower range answers sooner). Returns the URL to retry instead.
   */
  onTimeout?(): string | undefined
}
