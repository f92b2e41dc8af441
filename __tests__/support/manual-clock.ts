import type { Clock } from '../../src/graph/clock.js'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

/**
 * Virtual time for tests: sleep() resolves only when advance()/runUntilIdle() moves time
 * past it, and every promise continuation runs before time moves again, so code under
 * test sees exactly the instants it would in real time, without waiting.
 */
export class ManualClock implements Clock {
  private time: number
  private seq = 0
  private timers: Timer[] = []

  constructor(start = 0) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter(t => t !== timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
    })
  }

  /** Sleeps not yet resolved: a pacer with nothing to do must leave none. */
  get pendingTimers(): number {
    return this.timers.length
  }

  /** Moves time forward by `ms`, firing due sleeps in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms
    await settle()
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.fire(next)
      await settle()
    }
    this.time = target
    await settle()
  }

  /** Jumps from one sleep to the next until none is pending and everything has settled. */
  async runUntilIdle(limit = 1_000_000): Promise<void> {
    await settle()
    for (let fired = 0; this.timers.length > 0; fired++) {
      if (fired >= limit) throw new Error(`ManualClock: still busy after ${limit} timers`)
      this.fire(this.nextDue(Infinity) as Timer)
      await settle()
    }
  }

  private nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) {
        best = t
      }
    }
    return best
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter(t => t !== timer)
    this.time = Math.max(this.time, timer.at)
    timer.resolve()
  }
}

/** setImmediate runs after every queued microtask, i.e. after all ready continuations. */
function settle(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve))
}
