import type { Chain } from './chain.js'

/** One log type's share of the scheduler's work. */
export interface Job {
  name: string
  /** Initial range, or undefined for log types that are not time-windowed. */
  range?: { startMs: number; endMs: number }
  /** Creates (and registers) a chain for part of this job's range; it calls onProgress after each page. */
  createChain(range: { startMs: number; endMs: number } | undefined, onProgress: () => void): Chain
  /** Aborts this job's chains when one of them fails for good. */
  abort: AbortController
  error?: unknown
}

export interface SchedulerOptions {
  /** Chains kept running at once across all log types. */
  targetChains: number
  /** Never split a range into parts shorter than this. */
  minSplitMs: number
  /** Split only a chain expected to need more than this many records (about a page): less finishes sooner alone. */
  minSplitRecords: number
  /** Called once per job when its last chain has stopped (ok or failed). */
  onJobDone(job: Job): Promise<void>
}

/**
 * Keeps `targetChains` chains busy across all log types so the shared pacer
 * always has a request ready. Log types start one chain each, in order; when
 * there is spare capacity and no log type left to start, the chain with the most
 * work left is split (see Chain.split), so dense hours get more chains than
 * quiet ones without anyone guessing the distribution up front.
 */
export async function runScheduler(jobs: Job[], options: SchedulerOptions): Promise<void> {
  const queue = [...jobs]
  const active = new Map<Chain, Job>()
  const running = new Map<Job, number>()
  const finishing: Promise<void>[] = []
  let wake: () => void = () => {}
  let woken = false
  const notify = (): void => {
    woken = true
    wake()
  }

  const start = (job: Job, range: { startMs: number; endMs: number } | undefined): void => {
    const chain = job.createChain(range, notify)
    active.set(chain, job)
    running.set(job, (running.get(job) ?? 0) + 1)
    chain
      .run(job.abort.signal)
      .catch(error => {
        // The first failure is the log type's error; the aborts it causes are not.
        if (job.error === undefined) job.error = error
        job.abort.abort()
      })
      .finally(() => {
        active.delete(chain)
        const left = (running.get(job) ?? 1) - 1
        running.set(job, left)
        if (left === 0) finishing.push(options.onJobDone(job))
        notify()
      })
  }

  for (;;) {
    while (active.size < options.targetChains) {
      const next = queue.shift()
      if (next) {
        start(next, next.range)
        continue
      }
      const split = splitBusiest(active, options)
      if (!split) break
      start(split.job, split.older)
    }
    if (active.size === 0 && queue.length === 0) break
    if (!woken) {
      await new Promise<void>(resolve => {
        wake = resolve
      })
    }
    woken = false
  }
  await Promise.all(finishing)
}

/** Split the chain with the most work left that can still be split usefully. */
function splitBusiest(
  active: Map<Chain, Job>,
  options: SchedulerOptions
): { job: Job; older: { startMs: number; endMs: number } } | undefined {
  const candidates = [...active]
    .filter(
      ([chain, job]) =>
        !job.abort.signal.aborted && chain.remainingEstimate() > options.minSplitRecords
    )
    .sort(([a], [b]) => b.remainingEstimate() - a.remainingEstimate())
  for (const [chain, job] of candidates) {
    const older = chain.split(options.minSplitMs)
    if (older) return { job, older }
  }
  return undefined
}
