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
  // Every job's initial slices, interleaved so each log type gets going early.
  const queue: [Job, { startMs: number; endMs: number } | undefined][] = []
  const slices = jobs.map(job => job.ranges ?? [undefined])
  for (let i = 0; slices.some(list => i < list.length); i++) {
    jobs.forEach((job, j) => {
      if (i < slices[j].length) queue.push([job, slices[j][i]])
    })
  }
  const active = new Map<Chain, Job>()
  // Chains queued or running per job: the job is done when this reaches 0.
  const pending = new Map<Job, number>()
  for (const [job] of queue) pending.set(job, (pending.get(job) ?? 0) + 1)
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

  // A log type's first slice goes alone: its other slices wait for a page to come
  // back, so a 403 or a bad filter costs one request, not one per slice.
  const started = new Set<Job>()
  const proven = new Set<Job>()
  const mayStart = (job: Job): boolean =>
    job.abort.signal.aborted || !started.has(job) || proven.has(job)

  /** Runs a chain that is already counted in `pending`. */
  const start = (job: Job, range: { startMs: number; endMs: number } | undefined): void => {
    started.add(job)
    const chain = job.createChain(range, () => {
      proven.add(job)
      notify()
    })
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
  }

  for (;;) {
    while (active.size < options.targetChains() || (queue.length > 0 && active.size === 0)) {
      const index = queue.findIndex(([job]) => mayStart(job))
      if (index >= 0) {
        const [job, range] = queue.splice(index, 1)[0]
        // A job that already failed does not start its remaining slices.
        if (job.abort.signal.aborted) settle(job)
        else start(job, range)
        continue
      }
      const split = splitBusiest(active, options)
      if (!split) break
      pending.set(split.job, (pending.get(split.job) ?? 0) + 1)
      start(split.job, split.older)
    }
    if (active.size === 0) {
      // Nothing runs and nothing may start: cannot happen (a chain that ends has read a page
      // or failed its job), but never wait forever on it.
      for (const [job] of queue.splice(0)) {
        job.error ??= new Error(`${job.name}: a time slice could not be scheduled`)
        settle(job)
      }
      break
    }
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
