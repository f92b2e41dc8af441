import type { Clock } from './clock.js'
import type { RetryPolicy } from './retry-policy.js'

/**
 * Aborts its signal after `ms` on the given Clock (so tests can run it in
 * virtual time), with a TimeoutError saying why. Re-arming cancels the previous
 * wait; stop() cancels it for good, leaving no timer behind.
 */
export class Watchdog {
  private readonly controller = new AbortController()
  /** Cancels the pending wait. */
  private disarm: AbortController | undefined
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
    this.disarm?.abort()
    if (this.fired) return
    const disarm = new AbortController()
    this.disarm = disarm
    this.clock.sleep(ms, disarm.signal).then(
      () => {
        if (disarm.signal.aborted) return
        this.reason = reason
        this.controller.abort(new DOMException(reason, 'TimeoutError'))
      },
      () => undefined // disarmed
    )
  }

  stop(): void {
    this.disarm?.abort()
    this.disarm = undefined
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
