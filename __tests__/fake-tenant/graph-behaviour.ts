/**
 * The knobs of the fake Graph (latency, throttling, faults, licence and cloud gaps) and
 * the seeded dice that decide which page gets which fault.
 */
import type { LogTypeName } from '../../src/settings.js'
import { mulberry32, type Rng } from './random.js'

export interface GraphFaults {
  rate429?: number
  rate500?: number
  rate502?: number
  rate503?: number
  rate504?: number
  /** Send headers and part of the body, then destroy the socket. */
  rateReset?: number
  /** 200 with a Content-Length larger than the body actually sent. */
  rateTruncated?: number
  /** The Nth followed nextLink(s) (1-based, counted server-wide) get 400 Invalid Skip Token. */
  invalidSkipTokenAt?: number | number[]
  /** HTTP status of those answers (undocumented: 400 and 500 are both reported). Default 400. */
  invalidSkipTokenStatus?: number
  /** Share of pages returned short or empty while a nextLink still follows. */
  shortPages?: number
  /** Share of records served twice (within a page, and again at the start of the next). */
  duplicateRate?: number
}

export interface GraphBehaviour {
  /** Time from a request's arrival to its page being sent (fixed, or uniform in [min, max]). */
  latencyMs?: number | { min: number; max: number }
  /** More delay per record the page carries (big pages take longer to build). */
  latencyPerRecordMs?: number
  /** More delay per hour of the query's time range (wide ranges are slow on large tenants). */
  latencyPerHourMs?: number
  /**
   * A heavy tail: each page is, with probability `share`, `factor` times slower (the
   * first matching entry applies). Drawn from its own seeded dice (`latencySeed`), so
   * adding a tail does not move the fault dice.
   */
  latencyTail?: { share: number; factor: number }[]
  /** Seed of the latency tail dice (default 99). */
  latencySeed?: number
  /** Sliding window per (tenant, app) across all report endpoints; false disables. */
  throttle?: { limit: number; windowMs: number } | false
  /** How a 429 states Retry-After. */
  retryAfter?: 'integer' | 'fractional' | 'absent'
  /** Retry-After (seconds) on injected 429/503 faults. Default 1. */
  faultRetryAfterSec?: number
  faults?: GraphFaults
  /** Seed of the fault dice (default 42). */
  faultSeed?: number
  forbidden?: Partial<Record<LogTypeName, 'licence' | 'permission'>>
  /** Log types whose endpoint does not exist here: 400 "Resource not found for the segment". */
  notFound?: LogTypeName[]
  /**
   * The national cloud this Graph plays: APIs the API reference's national-cloud table
   * marks unavailable there answer 400 "Resource not found for the segment '...'".
   */
  cloud?: 'public' | 'usgov' | 'usgov-dod' | 'china'
  /**
   * Where the tenant's retention starts: a query whose lower time bound is older gets
   * Graph's 400 UnknownError naming the minimum. Default: UTC midnight 30 days before the
   * tenant's "now"; false: no retention check (keeps everything).
   */
  retention?: { edge?: string | number | Date; days?: number; message?: string } | false
  /** A server that ignores $orderby: audit and provisioning come in no order even when asked. */
  ignoreOrderBy?: boolean
  /** Widen every time filter by this much on both sides (users report edge operators misbehaving). */
  edgeSlackMs?: number
  /** Answer report requests with a redirect instead of a page (a misconfigured proxy, a hijacked endpoint). */
  redirect?: GraphRedirect
  /** Text (typically workflow command syntax) planted in what Graph sends back. */
  plant?: GraphPlant
  /** Records without a usable time field, added to the first page of every windowed query. */
  undatedRecords?: Record<string, unknown>[]
}

export interface GraphRedirect {
  /** Default 302. */
  status?: 301 | 302 | 303 | 307 | 308
  /**
   * same-origin: this server, same request (served normally once redirected);
   * cross-origin: an https server on another origin; plain-http: an http server.
   * The other servers answer with "foreign" records (see elsewhere.ts).
   */
  to: 'same-origin' | 'cross-origin' | 'plain-http'
  /** Which requests are redirected. Default 'all'. */
  on?: 'first-page' | 'next-link' | 'all'
}

export interface GraphPlant {
  /** Appended to every error message (and to the code of 429/5xx answers, which carry no meaning). */
  errorText?: string
  /** Added raw to every nextLink as an extra query parameter's value. */
  nextLink?: string
  /** nextLinks point to another origin (elsewhere.ts: https on 127.0.0.1, or plain http) instead of this server. */
  nextLinkTo?: 'cross-origin' | 'plain-http'
  /** Appended to display-name fields of every record served. */
  recordField?: string
}

export type FaultKind =
  | '429'
  | '500'
  | '502'
  | '503'
  | '504'
  | 'reset'
  | 'truncated'
  | 'invalidSkipToken'
  | 'shortPage'
  | 'duplicate'

export const DEFAULT_THROTTLE = { limit: 5, windowMs: 10_000 }

/** Per-(tenant, app) sliding window of accepted request times. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>()

  /** undefined when admitted, else ms until a slot frees up. */
  admit(key: string, limit: number, windowMs: number, now = Date.now()): number | undefined {
    const list = (this.hits.get(key) ?? []).filter(t => t > now - windowMs)
    this.hits.set(key, list)
    if (list.length >= limit) return Math.max(1, list[0] + windowMs - now)
    list.push(now)
    return undefined
  }
}

export function retryAfterHeader(
  mode: GraphBehaviour['retryAfter'],
  waitMs: number
): Record<string, string> {
  if (mode === 'absent') return {}
  if (mode === 'fractional') return { 'Retry-After': (waitMs / 1000).toFixed(3) }
  return { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) }
}

/** Seeded dice for faults, so a fault sequence is reproducible for a given seed. */
export class FaultDice {
  private rng: Rng

  constructor(seed: number) {
    this.rng = mulberry32(seed)
  }

  reseed(seed: number): void {
    this.rng = mulberry32(seed)
  }

  next(): number {
    return this.rng()
  }

  /** At most one transport/status fault per page request. */
  pageFault(f: GraphFaults | undefined): FaultKind | undefined {
    if (!f) return undefined
    const table: [FaultKind, number | undefined][] = [
      ['429', f.rate429],
      ['500', f.rate500],
      ['502', f.rate502],
      ['503', f.rate503],
      ['504', f.rate504],
      ['reset', f.rateReset],
      ['truncated', f.rateTruncated]
    ]
    let r = this.rng()
    for (const [kind, rate] of table) {
      if (rate && r < rate) return kind
      r -= rate ?? 0
    }
    return undefined
  }

  /** The tail factor for one page: 1, or one of the tail's factors. */
  tailFactor(tail: GraphBehaviour['latencyTail']): number {
    if (!tail || tail.length === 0) return 1
    let r = this.rng()
    for (const { share, factor } of tail) {
      if (r < share) return factor
      r -= share
    }
    return 1
  }

  latency(l: GraphBehaviour['latencyMs']): number {
    if (l === undefined) return 0
    if (typeof l === 'number') return l
    return l.min + this.rng() * (l.max - l.min)
  }
}
