import type { Chain } from './chain.js'

/** One log type's share of the scheduler's work. */
export interface Job {
  name: string
  /** Initial ranges (slices of the window), or undefined for log types that are not time-windowed. */
  ranges?: { startMs: number; endMs: number }[]
  /** Creates (and registers) a chain for part of this job's range; it calls onProgress after each page. */
  createChain(range: { startMs: number; endMs: number } | undefined, onProgress: () => void): Chain
  /** Aborts this job's chains when one of them fails for good. */
  abort: AbortController
  error?: unknown
}

export interface SchedulerOptions {
  /** Chains to keep running at once across all log types; asked again after every page. */
  targetChains(): number
  /** Never split a range into parts shorter than this. */
  minSplitMs: number
  /** Split only a chain expected to need more than this many records (about a page): less finishes sooner alone. */
  minSplitRecords: number
  /** The least work worth handing to a new chain (about a page). */
  minShareRecords: number
  /** Called once per job when its last chain has stopped (ok or failed). */
  onJobDone(job: Job): Promise<void>
}

/**
 * Keeps at least `targetChains` chains busy across all log types so the shared
 * pacer always has a request ready. Every log type's initial slices start at
 * once (the pacer decides when each request goes; waiting on one slice's first
 * page before starting the others idled the budget for a page's latency on
 * every run). When fewer than `targetChains` chains are left, the chain with
 * the most work left is split (see Chain.split), so dense hours get more chains
 * than quiet ones without anyone guessing the distribution up front.
 */
export async function runScheduler(jobs: Job[], options: SchedulerOptions): Promise<void> {
  // Every job's initial slices, interleaved so each log type's first request goes early.
  const initial: [Job, { startMs: number; endMs: number } | undefined][] = []
  const slices = jobs.map(job => job.ranges ?? [undefined])
  for (let i = 0; slices.some(list => i < list.length); i++) {
    jobs.forEach((job, j) => {
      if (i < slices[j].length) initial.push([job, slices[j][i]])
    })
  }
  const active = new Map<Chain, Job>()
  // Chains queued or running per job: the job is done when this reaches 0.
  const pending = new Map<Job, number>()
  for (const [job] of initial) pending.set(job, (pending.get(job) ?? 0) + 1)
  const settle = (job: Job): void => {
    const left = (pending.get(job) ?? 1) - 1
    pending.set(job, left)
    if (left === 0) finishing.push(options.onJobDone(job))
  }
  const finishing: Promise<void>[] = []
  let wake: () => void = () => {}
  let woken = false
  const notify = (): void => {
    woken = true
    wake()
  }

  /** Runs a chain that is already counted in `pending`. */
  const start = (job: Job, range: { startMs: number; endMs: number } | undefined): Chain => {
    const chain = job.createChain(range, notify)
    active.set(chain, job)
    chain
      .run(job.abort.signal)
      .catch(error => {
        // The first failure is the log type's error; the aborts it causes are not.
        if (job.error === undefined) job.error = error
        job.abort.abort()
      })
      .finally(() => {
        active.delete(chain)
        settle(job)
        notify()
      })
    return chain
  }

  for (const [job, range] of initial) start(job, range)
  for (;;) {
    while (active.size < options.targetChains()) {
      const split = splitBusiest(active, options)
      if (!split) break
      pending.set(split.job, (pending.get(split.job) ?? 0) + 1)
      start(split.job, split.older).expectedRecords = split.older.expectedRecords
    }
    if (active.size === 0) break
    if (!woken) {
      await new Promise<void>(resolve => {
        wake = resolve
      })
    }
    woken = false
  }
  await Promise.all(finishing)
}

/**
 * Split the chain with the most work left that can still be split usefully. The
 * new chain gets a fair share of all the work left (total / target), not half of
 * the busiest chain: chains that are meant to end together do, so fewer of them
 * end early and need a split (each split costs a short last page).
 */
function splitBusiest(
  active: Map<Chain, Job>,
  options: SchedulerOptions
): { job: Job; older: { startMs: number; endMs: number; expectedRecords: number } } | undefined {
  const estimates = [...active]
    .filter(([, job]) => !job.abort.signal.aborted)
    .map(([chain, job]) => ({ chain, job, left: chain.remainingEstimate() }))
  const total = estimates.reduce((sum, e) => sum + e.left, 0)
  const share = Math.max(options.minShareRecords, total / Math.max(1, options.targetChains()))
  const candidates = estimates
    .filter(e => e.left > options.minSplitRecords)
    .sort((a, b) => b.left - a.left)
  for (const { chain, job } of candidates) {
    const older = chain.split(options.minSplitMs, share)
    if (older) return { job, older }
  }
  return undefined
}
