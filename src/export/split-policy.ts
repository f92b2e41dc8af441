/**
 * The scheduler's decisions as pure functions of what it has measured, so unit
 * tests can pin them: when a split buys throughput, which chain to split, when
 * a page is overdue, and when an overdue page is worth a hedged request.
 */

export interface Throughput {
  /** Request starts per ms the budget allows (rate / window). */
  ratePerMs: number
  /** Mean request latency, tail included (ms). */
  meanLatencyMs: number
  pageSize: number
  /**
   * How long from now until the k-th next start is allowed (the pacer's sliding
   * window: after a burst, the next starts wait for it to reopen and then come
   * together). Without it, starts come evenly at ratePerMs.
   */
  msUntilStart?: (k: number) => number
  /** Requests in flight at most (max-concurrency); unbounded when absent. */
  maxConcurrency?: number
}

/**
 * Chains that keep the budget full by Little's law: requests in flight =
 * start rate × mean latency, tail included (a heavy tail raises the mean far
 * above the median, and so the chains needed).
 */
export function chainsToFill(t: Throughput): number {
  if (!(t.meanLatencyMs > 0)) return Number.POSITIVE_INFINITY
  return Math.ceil(t.meanLatencyMs * t.ratePerMs)
}

/**
 * Starts the window allows within one mean latency of the next one, up to
 * max-concurrency: after a burst has filled the window, the slots it frees come
 * together, and each needs a chain with a request ready.
 */
export function startsWithinLatency(t: Throughput): number {
  if (!(t.meanLatencyMs > 0) || !t.msUntilStart) return chainsToFill(t)
  const cap = t.maxConcurrency ?? Number.MAX_SAFE_INTEGER
  const first = t.msUntilStart(1)
  let n = 1
  while (n < cap && t.msUntilStart(n + 1) - first < t.meanLatencyMs) n++
  return n
}

/**
 * Whether to split now. Each split costs a short last page, and density
 * estimates on bursty logs are rough, so splits are driven by the budget
 * rather than by predicted work: split while fewer chains run than Little's
 * law needs to fill it, or when a start slot has gone unused for half a start
 * interval (no request was waiting) and no more than that many run (one more
 * is kept, so a request is ready when a slot frees); with more, the unused
 * slot was a passing gap, not a shortage.
 */
export function shouldSplit(
  freshChains: number,
  maxChains: number,
  idleMs: number,
  t: Throughput,
  windowHeld = false
): boolean {
  if (freshChains >= maxChains) return false
  // Every request waits for the window to reopen: its free slots come together then,
  // and a chain split now has its first request ready for one of them.
  if (windowHeld) return t.meanLatencyMs > 0 && freshChains < startsWithinLatency(t)
  // Fewer chains than Little's law asks for cannot fill the budget, idle or not
  // (a slot missed by less than half an interval on every cycle is a shortage too).
  // Either way a request slot must be free now (max-concurrency may be the limit).
  if (!(idleMs > 0)) return false
  if (Number.isFinite(chainsToFill(t)) && freshChains < chainsToFill(t)) return true
  if (!(idleMs > 1 / t.ratePerMs / 2)) return false
  return freshChains < chainsToFill(t) + 1
}

/** How much longer than the budget's time a chain's own time must be to split it ahead of need. */
const CRITICAL_MARGIN = 1.5

/**
 * The proactive half of the rule: which chain to split before the budget
 * idles, or -1. Each chain reads one page at a time, so a chain with p pages
 * left needs p × latency however idle the budget is; all chains together need
 * (pages + 1) / rate at best (a split adds about one short last page). The
 * export ends at the later of the two, so the longest chain is split only
 * while its own time is clearly the longer one: by half again plus a page's
 * latency, since density estimates on bursty logs are rough and every split
 * costs a short page (on a simulated skewed week, a margin of 1 split 8 times
 * where 2 splits did, 64 requests for 59 pages against 61).
 */
export function chooseSplit(remainingRecords: number[], t: Throughput): number {
  if (remainingRecords.length === 0 || !(t.meanLatencyMs > 0) || !(t.ratePerMs > 0)) return -1
  let longest = 0
  let total = 0
  remainingRecords.forEach((records, i) => {
    total += records
    if (records > remainingRecords[longest]) longest = i
  })
  const pages = remainingRecords[longest] / t.pageSize
  if (pages < 2) return -1
  const chainMs = pages * t.meanLatencyMs
  const budgetMs = (total / t.pageSize + 1) / t.ratePerMs
  return chainMs > budgetMs * CRITICAL_MARGIN + t.meanLatencyMs ? longest : -1
}

/**
 * Which chain to split when a start slot is free: the one with the most work
 * left (where the most work remains, the split shortens the export most), if
 * it has more than a page of it; chains that have not answered yet count by
 * time, after the others. More than one page, not two: the slot would go
 * unused, so the short page a split costs is free, and inside a burst the
 * density estimate sees less than two pages ahead (its near horizon is 1.6
 * pages of 1000), so a two-page rule left the export's last chain reading its
 * burst page after page while the budget idled (a skewed week with a heavy
 * tail, on the virtual clock: the last 3 s at one start per 600 ms).
 */
export function pickChain(remainingRecords: (number | undefined)[], pageSize: number): number {
  let best = -1
  remainingRecords.forEach((records, i) => {
    if (records === undefined || records <= pageSize) return
    if (best < 0 || records > (remainingRecords[best] as number)) best = i
  })
  if (best >= 0) return best
  return remainingRecords.findIndex(records => records === undefined)
}

/** Records the new chain should take: enough that the chains left read in about equal time. */
export function splitShare(remainingRecords: number[], t: Throughput): number {
  const total = remainingRecords.reduce((sum, r) => sum + r, 0)
  const chains = Math.max(1, Math.min(chainsToFill(t), remainingRecords.length + 1))
  return Math.max(t.pageSize, total / chains)
}

/**
 * The share of a page an overdue chain keeps when it hands its older range off:
 * the boundary goes where density puts 0.9 of a page below the chain's position,
 * so the slow page in flight (a full page) most likely reaches past it. The two
 * ways to miss cost differently: a page that falls short of the boundary leaves a
 * gap the chain must read with one more request (a start slot, and a whole page
 * served for a few records kept), while one that reaches past it only serves some
 * records the new chain reads too. Keeping a whole page by estimate, the page fell
 * short whenever the estimate ran high: on the virtual clock, one uniform log
 * type with one 8× page at each of 24 positions followed 4 of 22 handed-off slow
 * pages' nextLinks for a gap, and none at 0.9 (split-and-hand-off.test.ts). On
 * the heavy-tailed short export over 96 latency seeds the last answer came at
 * 14.38 s at the median against 14.61 (seeds 97-192: 14.41 against 14.51; 0.8:
 * 14.44, 0.95: 14.54).
 */
export const HAND_OFF_KEEP = 0.9

/** Completed requests needed before the latency distribution is trusted. */
export const MIN_LATENCY_SAMPLES = 8

/**
 * Before that, a page is overdue only at this many medians of at least
 * FEW_LATENCY_SAMPLES answers. Waiting for eight answers left exports blind
 * just when slow pages hurt most: when several of the first requests are slow,
 * they hold their slots and the eighth answer comes late (one latency seed of
 * the heavy-tailed short export had five of its first seven requests at 8×
 * and nothing overdue for 4.7 s). Four medians of three answers is a page no
 * ordinary spread of latency explains. Over 96 latency seeds on the virtual
 * clock the last answer came 0.13 s sooner on average (14.71 s against 14.84;
 * that seed 17.4 against 22.4), with the median within 0.05 s (14.42 against
 * 14.37; seeds 97-192: 14.41 both, on average 14.71 against 14.78); at Graph's
 * own rate, 1.8 s sooner on average over 24 seeds. Two to six medians, of two
 * to five answers, gave the same within 0.04 s.
 */
export const FEW_LATENCY_SAMPLES = 3
export const FEW_SAMPLES_OVERDUE_MEDIANS = 4

/**
 * A page is overdue once it has taken this many times the median. Two, not
 * three: on the heavy-tailed short export (10% of pages 8× slower, 2% 30×) a
 * slow page's older range went to a new chain a median sooner, and over 96
 * latency seeds on the virtual clock the export's last answer came 0.21 s
 * sooner at the median (14.96 s against 15.17; 2.5 medians: 15.13); 1.5
 * medians handed off so often on one real-stack seed that it made 91 requests
 * for 59 pages.
 */
export const OVERDUE_MEDIANS = 2

/** The age after which a request is overdue, or Infinity while there is nothing to go on. */
export function overdueAfterMs(samples: number, medianMs: number): number {
  if (samples < FEW_LATENCY_SAMPLES || !(medianMs > 0)) return Number.POSITIVE_INFINITY
  if (samples < MIN_LATENCY_SAMPLES) return FEW_SAMPLES_OVERDUE_MEDIANS * medianMs
  return OVERDUE_MEDIANS * medianMs
}

/**
 * A chain's last page is hedged on a free start slot once it has taken this
 * many times the median and waiting longer would outlast the rest of the
 * export. 1.25, not 1.5: with the second condition (which keeps it to the end
 * of the export), 1-1.25 medians ended the heavy-tailed short export's last
 * answer 0.1-0.15 s sooner at the median of 96 latency seeds than 1.5.
 */
export const LAST_PAGE_MEDIANS = 1.25

/**
 * How long from now until the rest of the export would be done: `requests`
 * more pages, started as fast as the throttle window allows (after the window
 * is spent, the next starts wait for it to reopen) and at most max-concurrency
 * at a time, each taking `medianMs`. A page rate alone (requests / rate) said
 * seconds early in an export whose window was about to be spent, so pages
 * that would be back long before the end were hedged: each a discarded answer
 * and a request the end of the export then waited for.
 */
export function restOfExportMs(requests: number, medianMs: number, t: Throughput): number {
  if (!(requests > 0)) return 0
  const windowMs = t.msUntilStart ? t.msUntilStart(requests) : requests / t.ratePerMs
  const rounds = Math.ceil(requests / (t.maxConcurrency ?? Number.POSITIVE_INFINITY)) - 1
  return Math.max(windowMs, rounds * medianMs) + medianMs
}

export interface HedgeQuestion {
  /** How long the page has been in flight. */
  ageMs: number
  medianMs: number
  overdueMs: number
  /** Time until the rest of the export would be done (restOfExportMs: chains that are not stuck). */
  restOfExportMs: number
  /** Records the chain still expects to read, the page in flight included. */
  chainRemaining: number
  /** How long a start slot has gone unused. */
  idleMs: number
  t: Throughput
}

/**
 * Whether to hedge a page in flight: send the same range again as a new query
 * and keep whichever answer comes first (the other is discarded). Every hedge
 * goes through the pacer like any request, so it never exceeds the budget. A
 * hedge started now is back about a median later, so "in time" means a median
 * before the rest of the export is done. Hedge
 * - an overdue page once waiting for it would outlast that: a page that has
 *   taken `age` is expected to need about as long again (heavy tails have
 *   little memory: a page 30 s late is likelier to be 60 s late than one 3 s
 *   late). Such a page is what the end of the export waits for, so its hedge
 *   queues for the next start slot like useful work;
 * - on a start slot nobody else wants, a chain's last page once it has taken
 *   1.25 medians and waiting longer would outlast the same mark: the end of
 *   the export waits for exactly such pages, and the slot would go unused.
 *
 * Why a median early and why queue: hedged only when the page had waited as
 * long as the rest of the export needed, and only on a slot nobody wanted, the
 * hedge itself became the export's last answer (on one seed, a page that
 * turned slow 1 s after the throttle window reopened was hedged 3.4 s later,
 * and that hedge's answer ended the export). Over 96 latency seeds of
 * the heavy-tailed short export on the virtual clock the last answer came
 * 0.17 s sooner at the median (14.62 s against 14.79; seeds 97-192: 14.60
 * against 14.78), and 0.25 s sooner on average.
 */
export function shouldHedge(q: HedgeQuestion): boolean {
  const inTimeMs = q.restOfExportMs - q.medianMs
  if (q.ageMs > q.overdueMs && q.ageMs > inTimeMs) return true
  if (!(q.idleMs > 1 / q.t.ratePerMs / 2)) return false
  return (
    Number.isFinite(q.overdueMs) &&
    q.ageMs > LAST_PAGE_MEDIANS * q.medianMs &&
    q.ageMs > inTimeMs &&
    q.chainRemaining < 2 * q.t.pageSize
  )
}
