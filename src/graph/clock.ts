/**
 * Time as the Graph layer sees it. Pacing and retries take a Clock instead of calling
 * Date.now/setTimeout directly so tests can run minutes of throttling in virtual time.
 */
export interface Clock {
  /** Milliseconds since the epoch, so it can be compared with HTTP dates (Retry-After). */
  now(): number
  /** Resolves after `ms`; rejects with `signal.reason` if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  // Epoch-based but monotonic: a wall-clock step back (NTP) must not stall pacing for
  // as long as the step, and drift from Date.now() over one run is negligible.
  now: () => performance.timeOrigin + performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      // The timer stays ref'd on purpose: a sleep is always awaited by work that must
      // finish (an unref'd one would let the process exit mid-export). Callers keep no
      // sleep pending while idle, and abort cancels the timer.
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms)
      )
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
