import type { Clock } from './clock.js'
import type { RetryPolicy } from './retry-policy.js'

/**
 * Aborts its signal once its deadline passes on the given Clock (so tests can
 * run it in virtual time), with a TimeoutError saying why. Re-arming moves the
 * deadline. A body re-arms on every chunk, so a later deadline is only noted
 * and the pending wait, on waking early, sleeps on to it; only an earlier one
 * replaces the wait. stop() cancels it for good, leaving no timer behind.
 */
export class Watchdog {
  private readonly controller = new AbortController()
  /** Cancels the pending wait. */
  private disarm: AbortController | undefined
  /** When the pending wait wakes. */
  private wakeAt = Number.POSITIVE_INFINITY
  private deadlineAt = Number.POSITIVE_INFINITY
  private pendingReason = ''
  reason = ''

  constructor(
    private readonly clock: Clock,
    ms: number,
    reason: string
  ) {
    this.arm(ms, reason)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get fired(): boolean {
    return this.controller.signal.aborted
  }

  arm(ms: number, reason: string): void {
    if (this.fired) return
    this.deadlineAt = this.clock.now() + ms
    this.pendingReason = reason
    if (this.disarm && this.wakeAt <= this.deadlineAt) return
    this.wait(ms)
  }

  stop(): void {
    this.disarm?.abort()
    this.disarm = undefined
  }

  private wait(ms: number): void {
    this.disarm?.abort()
    const disarm = new AbortController()
    this.disarm = disarm
    this.wakeAt = this.clock.now() + ms
    this.clock.sleep(ms, disarm.signal).then(
      () => {
        if (disarm.signal.aborted) return
        const left = this.deadlineAt - this.clock.now()
        if (left > 0) {
          this.wait(left)
          return
        }
        this.disarm = undefined
        this.reason = this.pendingReason
        this.controller.abort(new DOMException(this.reason, 'TimeoutError'))
      },
      () => undefined // disarmed
    )
  }
}

/**
 * One attempt's timeouts: headers within `headersTimeoutMs` (connecting
 * included), then no pause in the body longer than `bodyStallTimeoutMs`, and
 * the whole exchange within `requestTimeoutMs` and what is left of the page's
 * budget. A slow page that keeps sending is not cut; a stalled one is.
 */
export class RequestWatchdog {
  private readonly phase: Watchdog
  private readonly overall: Watchdog
  readonly signal: AbortSignal

  constructor(
    clock: Clock,
    private readonly policy: RetryPolicy,
    remainingMs: number
  ) {
    this.phase = new Watchdog(
      clock,
      policy.headersTimeoutMs,
      `no response within ${policy.headersTimeoutMs / 1000} s`
    )
    const total = Math.min(policy.requestTimeoutMs, remainingMs)
    this.overall = new Watchdog(
      clock,
      total,
      `request took longer than ${Math.round(total / 1000)} s`
    )
    this.signal = AbortSignal.any([this.phase.signal, this.overall.signal])
  }

  get fired(): boolean {
    return this.phase.fired || this.overall.fired
  }

  get reason(): string {
    return this.overall.fired ? this.overall.reason : this.phase.reason
  }

  headersArrived(): void {
    this.progress()
  }

  progress(): void {
    this.phase.arm(
      this.policy.bodyStallTimeoutMs,
      `the response body stalled for ${this.policy.bodyStallTimeoutMs / 1000} s`
    )
  }

  stop(): void {
    this.phase.stop()
    this.overall.stop()
  }
}
