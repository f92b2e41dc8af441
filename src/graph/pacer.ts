import { type Clock, systemClock } from './clock.js'
import { LatencyStats } from './latency-stats.js'

export interface PacerOptions {
  /** Max request starts in any window (Graph: 5). */
  rate: number
  /** Window length in ms (Graph: 10_000). */
  windowMs: number
  /** Max requests in flight at once. */
  maxConcurrency: number
  /**
   * Added to the window when the window binds (default 0): Graph counts a request
   * when it arrives, which is later than our start by a varying amount (a new
   * connection's handshake, a busy event loop), so a start exactly one window after
   * another can land inside Graph's window.
   */
  marginMs?: number
  clock?: Clock
}

export interface PacerStats {
  /** Requests started. */
  requests: number
  /** throttled() calls (429 answers). */
  throttled: number
  /** Total time all starts were held because of 429s (overlapping holds counted once). */
  throttledWaitMs: number
  /** Sum over requests of the time from acquire() to start (includes throttle holds). */
  queuedWaitMs: number
  maxInFlight: number
  /** Current starts per window: `rate`, or lower after 429s. */
  effectiveRate: number
}

/**
 * What acquire() resolves to: call it once the response body has been read (or
 * failed); call `sent()` when the request has left, so the start counts from then.
 */
export interface Release {
  (): void
  sent(): void
}

interface Waiter {
  resolve: (release: Release) => void
  reject: (reason: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
  enqueuedAt: number
}

/**
 * Shares one request budget among every concurrent Graph call. The identity report
 * endpoints allow 5 requests per 10 s per app per tenant
 * (https://learn.microsoft.com/graph/throttling-limits): a count per window, so the
 * budget is a sliding window of `rate` starts per `windowMs + marginMs`. No window
 * of that length, wherever Graph puts its own windows (fixed, sliding or a bucket
 * refilled at rate/window), ever holds more than `rate` of our starts.
 *
 * Starts are not spread evenly. A start slot the export could not use (every chain
 * waiting on a slow page) is not lost while it is still in the window: the next
 * requests take it as soon as they are ready. Evenly spaced starts lose every such
 * slot for good, and with pages that are sometimes 30 times slower than the median
 * that cost a fifth of the budget (issue 18's heavy-tailed bench).
 */
export class Pacer {
  private readonly rate: number
  private readonly windowMs: number
  readonly maxConcurrency: number
  private readonly marginMs: number
  private readonly clock: Clock
  private effectiveRate: number
  /** The last `rate` start times, oldest first: enough to check any window. */
  private readonly recentStarts: number[] = []
  private holdUntil = -Infinity
  private inFlight = 0
  private successStreak = 0
  private lastReductionAt = -Infinity
  private readonly queue: Waiter[] = []
  private timer: { at: number; controller: AbortController } | undefined
  /** When the queue last ran empty (a start slot may have gone unused since). */
  private emptySince = -Infinity
  /** Every request's hold time (start to release), for the scheduler's tail tolerance. */
  readonly latency = new LatencyStats()
  private readonly counters = {
    requests: 0,
    throttled: 0,
    throttledWaitMs: 0,
    queuedWaitMs: 0,
    maxInFlight: 0
  }

  constructor(options: PacerOptions) {
    requireInteger('rate', options.rate)
    requireInteger('maxConcurrency', options.maxConcurrency)
    if (!(options.windowMs > 0) || !Number.isFinite(options.windowMs)) {
      throw new RangeError(`Pacer windowMs must be a positive number, got ${options.windowMs}`)
    }
    this.rate = options.rate
    this.windowMs = options.windowMs
    this.maxConcurrency = options.maxConcurrency
    const marginMs = options.marginMs ?? 0
    if (!(marginMs >= 0) || !Number.isFinite(marginMs)) {
      throw new RangeError(`Pacer marginMs must be a number >= 0, got ${options.marginMs}`)
    }
    this.marginMs = marginMs
    this.clock = options.clock ?? systemClock
    this.effectiveRate = options.rate
  }

  /**
   * Resolves when a request may start; returns release() to call once the response body
   * has been read (or failed). Waiters start in call order.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: undefined,
        enqueuedAt: this.clock.now()
      }
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter)
          if (index >= 0) this.queue.splice(index, 1)
          reject(signal.reason)
          // The head may have gone: reschedule, or drop the timer if nobody waits.
          this.pump()
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.queue.push(waiter)
      this.pump()
    })
  }

  /**
   * Graph answered 429. Holds every start until Retry-After (a full window when absent,
   * which is what it takes for Graph's own count to clear) and lowers the rate by one so
   * we stop provoking 429s.
   */
  throttled(retryAfterMs: number | undefined): void {
    const now = this.clock.now()
    const wait =
      retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
        ? retryAfterMs
        : this.windowMs
    this.counters.throttled++
    const heldFrom = Math.max(this.holdUntil, now)
    if (now + wait > heldFrom) {
      this.counters.throttledWaitMs += now + wait - heldFrom
      this.holdUntil = now + wait
    }
    this.successStreak = 0
    // Requests in flight together are usually throttled together; their 429s arrive
    // within one window of each other and are one signal, so lower the rate once per window.
    if (this.effectiveRate > 1 && now - this.lastReductionAt >= this.windowMs) {
      this.effectiveRate--
      this.lastReductionAt = now
    }
    this.pump()
  }

  /**
   * Call after a non-429 response. Two windows' worth of them in a row (2 * rate) earn
   * back one step of rate: slow enough not to oscillate into 429s again.
   */
  succeeded(): void {
    if (this.effectiveRate >= this.rate) return
    this.successStreak++
    if (this.successStreak >= 2 * this.rate) {
      this.successStreak = 0
      this.effectiveRate++
      this.pump()
    }
  }

  /**
   * How long a request could have started but nobody asked: 0 while requests
   * wait (for the rate, a hold or a concurrency slot), else the time since the
   * later of the queue running empty and the next start the rate allows.
   */
  idleMs(): number {
    if (this.queue.length > 0 || this.inFlight >= this.maxConcurrency) return 0
    const now = this.clock.now()
    return Math.max(0, now - Math.max(this.emptySince, this.earliestStart()))
  }

  /**
   * How long from now until the k-th next start (k >= 1) is allowed, if starts
   * are taken as soon as the window allows (max-concurrency aside): 0 for the
   * slots the window has free now; then each start in the window frees its slot
   * one window (and the margin) after it was made, and a slot taken in the
   * future frees again one window after that. The scheduler plans the work left
   * against this schedule: after a burst has filled the window, the next starts
   * all wait for it to reopen, then come together.
   */
  msUntilStart(k: number): number {
    const now = this.clock.now()
    const span = this.windowMs + this.marginMs
    const rate = this.effectiveRate
    const inWindow = this.recentStarts.filter(t => t > now - span).slice(-rate)
    const from = Math.max(now, this.holdUntil)
    // When each slot frees: those free now at once, the others one window (and the
    // margin) after the start that holds them, oldest first.
    const slots = [
      ...Array.from({ length: rate - inWindow.length }, () => from),
      ...inWindow.map(t => t + span)
    ]
    const j = Math.max(1, Math.floor(k)) - 1
    return Math.max(from, slots[j % rate] + Math.floor(j / rate) * span) - now
  }

  /** Requests waiting for a start slot. */
  get requestsQueued(): number {
    return this.queue.length
  }

  /** Requests started and not yet released. */
  get requestsInFlight(): number {
    return this.inFlight
  }

  /** Requests started per ms at the current rate. */
  ratePerMs(): number {
    return this.effectiveRate / this.windowMs
  }

  stats(): PacerStats {
    return { ...this.counters, effectiveRate: this.effectiveRate }
  }

  /** Earliest time the next start is allowed by a 429's hold and the sliding window. */
  private earliestStart(): number {
    let at = this.holdUntil
    const n = this.recentStarts.length
    // Half-open windows: a start at t counts for [t, t + windowMs + marginMs).
    if (n >= this.effectiveRate) {
      at = Math.max(at, this.recentStarts[n - this.effectiveRate] + this.windowMs + this.marginMs)
    }
    return at
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxConcurrency) {
      const now = this.clock.now()
      const at = this.earliestStart()
      if (now < at) {
        this.wakeAt(at, now)
        return
      }
      this.start(this.queue.shift() as Waiter, now)
      if (this.queue.length === 0) this.emptySince = now
    }
    // Nobody waits, or only a release can let the next one go (and release pumps):
    // keep no timer, so an idle pacer never holds the process open.
    this.cancelTimer()
  }

  private start(waiter: Waiter, now: number): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort)
    this.recentStarts.push(now)
    if (this.recentStarts.length > this.rate) this.recentStarts.shift()
    this.inFlight++
    this.counters.requests++
    this.counters.queuedWaitMs += now - waiter.enqueuedAt
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight)
    let released = false
    let countedAt = now
    const release = (() => {
      // Tolerate double release (finally blocks on both paths) without freeing two slots.
      if (released) return
      released = true
      this.inFlight--
      this.latency.add(this.clock.now() - now)
      this.pump()
    }) as Release
    release.sent = () => {
      if (released) return
      countedAt = this.moveStart(countedAt, this.clock.now())
    }
    waiter.resolve(release)
  }

  /**
   * A start granted at `from` left at `to` (the token lookup, a new connection's
   * handshake or a busy event loop came between): Graph counts it when it arrives,
   * so the window counts it from `to`. Only ever later, so no start is let go
   * sooner than before. Returns the time the start now counts from.
   */
  private moveStart(from: number, to: number): number {
    if (!(to > from)) return from
    const index = this.recentStarts.lastIndexOf(from)
    // Already out of the last `rate` starts: it no longer bounds any window.
    if (index < 0) return from
    this.recentStarts.splice(index, 1)
    let at = this.recentStarts.length
    while (at > 0 && this.recentStarts[at - 1] > to) at--
    this.recentStarts.splice(at, 0, to)
    return to
  }

  private wakeAt(at: number, now: number): void {
    // An earlier wake-up re-pumps and re-schedules; one pending timer is enough.
    if (this.timer && this.timer.at <= at) return
    this.cancelTimer()
    const controller = new AbortController()
    this.timer = { at, controller }
    this.clock.sleep(at - now, controller.signal).then(
      () => {
        if (this.timer?.controller !== controller) return
        this.timer = undefined
        this.pump()
      },
      () => undefined // cancelled
    )
  }

  private cancelTimer(): void {
    if (!this.timer) return
    this.timer.controller.abort()
    this.timer = undefined
  }
}

function requireInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Pacer ${name} must be a positive integer, got ${value}`)
  }
}
