import type { Clock } from '../graph/clock.js'
import type { LatencyStats } from '../graph/latency-stats.js'
import type { Chain, Race } from './chain.js'
import {
  chooseSplit,
  HAND_OFF_KEEP,
  overdueAfterMs,
  pickChain,
  restOfExportMs,
  shouldHedge,
  shouldSplit,
  splitShare,
  type Throughput
} from './split-policy.js'

type Range = { startMs: number; endMs: number }

/** Hedges one overdue page may have in flight at once (each spends a start slot nobody wanted). */
const MAX_HEDGES = 3

/** An overdue chain holding more than this many pages hands them off without waiting for an idle slot. */
const HAND_OFF_PAGES = 3

/** One log type's share of the scheduler's work. */
export interface Job {
  name: string
  /** Initial ranges (slices of the window), or undefined for log types that are not time-windowed. */
  ranges?: Range[]
  /**
   * Creates (and registers) a chain for part of this job's range; it calls
   * onProgress after each page, and onTimeout when one of its requests times out.
   */
  createChain(
    range: Range | undefined,
    onProgress: () => void,
    onTimeout?: (chain: Chain) => void
  ): Chain
  /** Aborts this job's chains when one of them fails for good. */
  abort: AbortController
  error?: unknown
  /** Overdue pages whose older range went to a new chain. */
  handOffs?: number
  /**
   * Overdue pages raced by a hedged request that was sent (each race discards
   * one answer); a hedge still queued for a start slot when its original
   * answered is dropped unsent and not counted.
   */
  hedges?: number
  /** Called when one of this job's chains stops, before the job may be done (merge-ahead). */
  onChainDone?(chain: Chain): void
}

/** What the scheduler reads of the shared request budget (the Pacer). */
export interface Budget {
  latency: LatencyStats
  /** Request starts per ms at the current rate. */
  ratePerMs(): number
  /** How long a start slot has gone unused (0 while requests wait). */
  idleMs(): number
  /** How long from now until the k-th next start is allowed. */
  msUntilStart(k: number): number
  /** Requests in flight at most. */
  readonly maxConcurrency: number
  readonly requestsInFlight: number
  /** Requests waiting for a start slot. */
  readonly requestsQueued: number
}

export interface SchedulerOptions {
  budget: Budget
  clock: Clock
  pageSize: number
  /** Chains to keep at most (not counting those stuck on an overdue page). */
  maxChains: number
  /** Never split a range into parts shorter than this. */
  minSplitMs: number
  /** Called once per job when its last chain has stopped (ok or failed). */
  onJobDone(job: Job): Promise<void>
}

/**
 * Keeps the request budget full with as few chains as that takes, across all
 * log types. Every chain is a nextLink chain over a time range, and every
 * split costs a short last page, so splits are decided by split-policy.ts: a
 * chain is split only while its own pages would take longer than the whole
 * export at the budget's rate, or while the budget sits idle. Before the first
 * answer there is no latency or density to go by: each log type starts as one
 * chain, and a start slot going unused splits a chain by time.
 *
 * Tail tolerance: a chain whose page is overdue against the latency seen so far
 * (or has timed out) hands the older part of its range to a new chain at once;
 * and when waiting for that page would outlast the rest of the export, a hedge
 * re-reads the page's range as a fresh query and the first answer wins (see
 * Chain.hedgeRange / Race); a hedge that is late as well is hedged again, up
 * to MAX_HEDGES at once. Every request still goes through the pacer: a hedge
 * of a page the end of the export waits for queues like useful work, others
 * take only start slots nobody wanted (split-policy.ts, shouldHedge).
 */
export async function runScheduler(jobs: Job[], options: SchedulerOptions): Promise<void> {
  const { budget, clock, pageSize } = options
  const initial: [Job, Range | undefined][] = []
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
  const finishing: Promise<void>[] = []
  const settle = (job: Job): void => {
    const left = (pending.get(job) ?? 1) - 1
    pending.set(job, left)
    if (left === 0) finishing.push(options.onJobDone(job))
  }
  let wake: () => void = () => {}
  let woken = false
  const notify = (): void => {
    woken = true
    wake()
  }

  const start = (job: Job, range: Range | undefined, counted = true, isHedge = false): Chain => {
    if (!counted) pending.set(job, (pending.get(job) ?? 0) + 1)
    const chain = job.createChain(range, notify, timedOut => handOff(timedOut))
    active.set(chain, job)
    chain
      .run(job.abort.signal)
      .catch(error => {
        // The first failure is the log type's error; the aborts it causes are not.
        if (job.error === undefined) job.error = error
        job.abort.abort()
      })
      .finally(() => {
        // A hedge raced only if its request left: it read a page, or lost with one out.
        if (isHedge && (chain.pages > 0 || chain.discardedRequests > 0)) {
          job.hedges = (job.hedges ?? 0) + 1
        }
        active.delete(chain)
        job.onChainDone?.(chain)
        settle(job)
        notify()
      })
    return chain
  }

  /** The chain's page is overdue or timed out: give its older range to a new chain. */
  const handOff = (chain: Chain): void => {
    const job = active.get(chain)
    if (!job || job.abort.signal.aborted || chain.handedOff || chain.race) return
    chain.handedOff = true
    const older = chain.handOff(options.minSplitMs, HAND_OFF_KEEP * pageSize)
    if (!older) return
    job.handOffs = (job.handOffs ?? 0) + 1
    const next = start(job, older, false)
    next.expectedRecords = older.expectedRecords
    // The new range starts just below the page in flight: the run of density the
    // chain is in most likely goes on there (Chain.continueRegime). Heavy tail, 96
    // latency seeds, virtual clock: last answer 14.35 s at the median against 14.42,
    // 14.56 on average against 14.71. Splits carry it too, counted from their own top
    // (see below).
    next.continueRegime(chain)
  }

  const hedge = (chain: Chain, job: Job): void => {
    // The original's position stands still while its page is out: every hedge reads the same range.
    const race: Race = chain.race ?? { original: chain, hedges: [] }
    const range = race.original.hedgeRange()
    const copy = start(job, range, false, true)
    copy.skipIds(range.skip)
    copy.expectedRecords = pageSize
    // A hedge that wins reads on where the original was: it goes on with its run of density.
    copy.continueRegime(race.original)
    race.hedges.push(copy)
    race.original.race = race
    copy.race = race
  }

  const decide = (): number => {
    const now = clock.now()
    const overdueMs = overdueAfterMs(budget.latency.count, budget.latency.quantile(0.5))
    // Overdue pages are handed off and hedged, so what the other chains must cover
    // is latency up to the overdue mark: the mean with the tail capped there.
    const throughput: Throughput = {
      ratePerMs: budget.ratePerMs(),
      meanLatencyMs: Number.isFinite(overdueMs)
        ? budget.latency.cappedMean(overdueMs)
        : budget.latency.mean(),
      pageSize,
      msUntilStart: k => budget.msUntilStart(k),
      maxConcurrency: budget.maxConcurrency
    }
    const age = (chain: Chain): number =>
      chain.requestStartedAt === undefined ? 0 : now - chain.requestStartedAt
    const live = (): [Chain, Job][] =>
      [...active].filter(([chain, job]) => !job.abort.signal.aborted && !chain.lost)
    let nextWake = Number.POSITIVE_INFINITY

    // An overdue page whose chain holds much work (or work nobody has measured
    // yet) hands the older part off at once; smaller remainders wait for the
    // budget to want them (below). Wake when the next page becomes overdue.
    for (const [chain] of live()) {
      if (chain.requestStartedAt === undefined || chain.race || chain.handedOff) continue
      if (age(chain) <= overdueMs) {
        nextWake = Math.min(nextWake, chain.requestStartedAt + overdueMs)
        continue
      }
      const unknown = chain.pages === 0 && chain.expectedRecords === undefined
      if (unknown || chain.remainingEstimate() > HAND_OFF_PAGES * pageSize) handOff(chain)
    }

    // Hedge pages the end of the export waits for, and last pages on start slots nobody
    // else wants (see shouldHedge).
    const overdue = (chain: Chain): boolean => age(chain) > overdueMs || chain.timedOut
    const fresh = live().filter(([chain]) => !overdue(chain) && !chain.race)
    const medianMs = budget.latency.quantile(0.5)
    // Each chain reads at least one more page, and ends on a page of its own.
    const restRequests = fresh.reduce(
      (sum, [chain]) => sum + Math.max(1, Math.ceil(chain.remainingEstimate() / pageSize)),
      0
    )
    const restMs = restOfExportMs(restRequests, medianMs, throughput)
    for (const [chain, job] of live()) {
      // A hedge reads from the chain's oldest second written: only sound while Graph's order holds.
      if (chain.requestStartedAt === undefined || !chain.orderTrusted) continue
      // A race is hedged again, through its original, once its youngest request is late
      // too: a hedge draws from the same latency distribution, and at the end of an export
      // two slow answers in a row left every start slot unused for seconds.
      const race = chain.race
      if (race && (race.original !== chain || race.hedges.length >= MAX_HEDGES)) continue
      const youngest = race ? race.hedges[race.hedges.length - 1] : chain
      if (youngest.requestStartedAt === undefined) continue
      const hedgeIt = shouldHedge({
        ageMs: age(youngest),
        medianMs,
        overdueMs,
        restOfExportMs: restMs,
        chainRemaining: chain.remainingEstimate(),
        idleMs: budget.idleMs(),
        t: throughput
      })
      if (hedgeIt) hedge(chain, job)
    }

    // Split while it buys throughput or a start slot goes unused. Work held by a
    // chain stuck on an overdue page goes first: it is handed off (all but the
    // page in flight), since that chain cannot read it for now.
    for (;;) {
      const candidates = live().filter(([chain]) => !chain.race)
      const freshCount = candidates.filter(([chain]) => !overdue(chain)).length
      if (freshCount >= options.maxChains) break
      const loads = candidates.map(([chain]) =>
        chain.pages > 0 || chain.expectedRecords !== undefined
          ? chain.remainingEstimate()
          : undefined
      )
      const stuck = candidates.map(([chain], i) =>
        overdue(chain) && !chain.handedOff ? (loads[i] ?? 0) - pageSize : undefined
      )
      const freshLoads = loads.filter(
        (l, i): l is number => l !== undefined && stuck[i] === undefined
      )
      const allKnown = loads.every(l => l !== undefined)
      let pick = allKnown
        ? indexAmong(stuck, i => stuck[i] === undefined, chooseSplit(freshLoads, throughput))
        : -1
      // A chain with no request in flight while a slot is free is backing off after a
      // failure: more chains would only fail alongside it.
      const waiting = budget.requestsInFlight + budget.requestsQueued >= candidates.length
      const windowHeld =
        budget.requestsQueued > 0 &&
        budget.requestsInFlight < budget.maxConcurrency &&
        budget.msUntilStart(1) > 0
      if (
        pick < 0 &&
        waiting &&
        shouldSplit(freshCount, options.maxChains, budget.idleMs(), throughput, windowHeld)
      ) {
        // A stuck chain's work first (more than half a page beyond its page in flight),
        // the most first; else the fresh chain with the most work.
        pick = -1
        stuck.forEach((l, i) => {
          if (l !== undefined && l > pageSize / 2 && (pick < 0 || l > (stuck[pick] as number))) {
            pick = i
          }
        })
        if (pick < 0) {
          pick = pickChain(
            stuck.map((l, i) => (l === undefined ? loads[i] : -1)),
            pageSize
          )
        }
      }
      if (pick < 0) break
      const [chain, job] = candidates[pick]
      if (stuck[pick] !== undefined) {
        handOff(chain)
        if (!chain.handedOff) break
        continue
      }
      const older: (Range & { expectedRecords?: number }) | undefined =
        loads[pick] === undefined
          ? chain.splitByTime(options.minSplitMs)
          : chain.split(options.minSplitMs, splitShare(freshLoads, throughput))
      if (!older) break
      const part = start(job, older, false)
      part.expectedRecords = older.expectedRecords
      // A split's range begins below the page in flight, often pages below. Its first page
      // finding the density of the run its parent is in (within DensityRegime.FACTOR) is
      // evidence the run reaches it, so the run goes on, counted from the split's own top:
      // a burst met at the bottom of a range was otherwise read a page per round at the
      // end, each split expecting one page more (bursts drawn anywhere in the week,
      // `VIRTUAL_MODE=mix`, last answer at the median of 96 seeds on the virtual clock:
      // full pages 12.96 s against 13.08, with the tail 14.63 against 14.77; the bench's
      // dataset unchanged, 12.64 and 14.29). Counted across the gap between parent and
      // split as well, it was trusted past where bursts ended: 13.06 and 14.68, and on
      // the bench's heavy tail 14.52.
      part.continueRegime(chain, Math.max(0, chain.positionMs - older.endMs))
    }
    // Look at the budget again every quarter start interval while anything runs, so an
    // idle slot is seen soon after it passes the half-interval mark.
    if (active.size > 0) {
      nextWake = Math.min(nextWake, now + 1 / Math.max(1e-9, throughput.ratePerMs) / 4)
    }
    return nextWake
  }

  /** The index in the full list of the k-th entry that passes `keep` (k < 0: none). */
  const indexAmong = (list: unknown[], keep: (i: number) => boolean, k: number): number => {
    if (k < 0) return -1
    for (let i = 0; i < list.length; i++) if (keep(i) && k-- === 0) return i
    return -1
  }

  for (const [job, range] of initial) start(job, range)
  for (;;) {
    const nextWake = decide()
    if (active.size === 0) break
    if (!woken) {
      const timer = new AbortController()
      await Promise.race([
        new Promise<void>(resolve => {
          wake = resolve
        }),
        clock.sleep(Math.max(1, nextWake - clock.now()), timer.signal).catch(() => undefined)
      ])
      timer.abort()
    }
    woken = false
  }
  await Promise.all(finishing)
}
