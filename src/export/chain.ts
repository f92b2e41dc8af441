import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import type { LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import type { TimeWindow } from '../settings.js'
import { GraphRequestError } from '../graph/graph-errors.js'
import type { FetchContext } from '../graph/fetch-context.js'
import { PageReader, type PageRecord } from '../graph/page-reader.js'
import { buildFilter, buildQueryUrl } from '../graph/query.js'
import { withPath } from '../write-errors.js'
import { DensityRegime } from './density-regime.js'
import { estimateDensity, type DensityModel } from './density-model.js'
import { appendRecords } from './record-file.js'

/** How many ids of undated records a warning names. */
export const UNTIMED_SAMPLE = 5

/** A chain may be restarted this often before the log type is declared failed. */
export const MAX_CHAIN_RESTARTS = 5
/** Graph may name a later retention edge while the run goes on (it moves daily); follow it this often. */
const MAX_RETENTION_MOVES = 3

/**
 * Empty pages that still carry a nextLink, in a row, before a chain is taken to
 * be looping. Graph documents short and empty pages mid-chain, never how many;
 * a hundred empty pages in a row is 20 throttle windows of nothing.
 */
export const MAX_EMPTY_PAGES = 100

export interface ChainSettings {
  spec: LogTypeSpec
  graphEndpoint: string
  extraFilter: string
  pageSize: number
  /** The export window (undefined for log types that are not time-windowed). */
  window?: TimeWindow
  fetch: FetchContext
  logger: Logger
  /** Called after each page so the scheduler can decide to split. */
  onProgress(): void
  /** Records per ms over everything this log type has read so far. */
  averageDensity(): number
  /** Graph said its data starts at `edgeMs` (past retention before that). */
  onRetentionEdge?(edgeMs: number): void
  /**
   * Called at once when one of this chain's requests times out, before the retry:
   * the scheduler hands the older part of the range to a new chain (see handOff),
   * so the retry asks for a narrower range.
   */
  onTimeout?(chain: Chain): void
}

/**
 * A chain and its hedges reading the same range because the chain's page is
 * overdue: the first page back wins, the others are cancelled before they write.
 */
export interface Race {
  original: Chain
  /** In the order they were sent; a hedge that is late too is hedged again. */
  hedges: Chain[]
  winner?: Chain
}

/** Records a chain dropped on purpose, by reason; summed per log type. */
export interface ChainDrops {
  /** Outside [start, end) although the server was asked for that window. */
  outOfWindow: number
  /** Re-read after a chain restart, already written before it. */
  refetched: number
  /** No parseable time field, so the record cannot be placed in the window. */
  untimed: number
}

/**
 * One nextLink chain over the time range [startMs, endMs), newest first, written
 * as JSON lines to its own temp file. Newest first is documented for sign-ins and
 * asked for with $orderby elsewhere (LogTypeSpec.order); the chain checks every
 * record against the one before it and, once the order breaks, relies on it no
 * more (see noteOrder). While the order holds, it makes two things exact:
 * - splitting: the scheduler may raise `startMs` to hand the older part of the
 *   range to a new chain; this chain drops anything older and stops at the
 *   first record below it.
 * - restarting: when the chain cannot continue (bad skip token, retries
 *   exhausted), a fresh query up to the end of the oldest second written picks
 *   up where it was; ids already written in that second are skipped.
 */
export class Chain {
  /** Oldest record time kept so far (= endMs before the first record). */
  positionMs: number
  pages = 0
  kept = 0
  restarts = 0
  done = false
  /** Read to its end (startMs), not stopped, failed or cancelled on the way. */
  finished = false
  readonly drops: ChainDrops = { outOfWindow: 0, refetched: 0, untimed: 0 }
  /** Ids of the first few records without a parseable time field, for the warning about them. */
  readonly untimedIds: string[] = []
  /** The first query this chain sent, for the manifest. */
  firstUrl = ''
  /** Records the split that created this chain expected it to read (until its first page says more). */
  expectedRecords?: number
  /** Records that arrived newer than the record before them (Graph's order broken). */
  orderViolations = 0
  /** False once a record broke the order: no early stop, no split, restarts re-read the whole slice. */
  orderTrusted = true

  private lastTimeSeen = Number.POSITIVE_INFINITY
  /** The end of the current query's range. */
  private queryEndMs = 0
  /** The start of the current query's range (the chain's startMs when it was sent). */
  private queryStartMs = 0
  /** The current query ends below endMs (a restart from the oldest second written). */
  private narrowed = false
  private retentionMoves = 0

  /** When the request now in flight started (undefined between requests). */
  requestStartedAt?: number
  /** The in-flight request was found overdue (or timed out) and the older range handed off. */
  handedOff = false
  /** A request of this chain timed out; cleared when the next one starts. */
  timedOut = false
  /** Racing a hedge (or being one) until the first page of the two comes back. */
  race?: Race
  /** Lost a race: cancelled, wrote nothing after the race began. */
  lost = false
  /** Requests this chain sent whose answer was discarded because it lost a race. */
  discardedRequests = 0

  private readonly cancelled = new AbortController()
  /** Ids not to write again (a restart's or a hedge's overlap with what is on disk). */
  private skip = new Set<string>()

  private lastPageKept = 0
  private lastPageSpanMs = 0
  private tailSecond = Number.POSITIVE_INFINITY
  private tailIds = new Set<string>()
  /** How long the last page's density has held (see density-regime.ts). */
  private readonly regime = new DensityRegime()
  /** Reads this chain's pages, one at a time, into memory it reuses. */
  private reader?: PageReader

  constructor(
    private readonly settings: ChainSettings,
    public startMs: number,
    readonly endMs: number,
    readonly tmpPath: string
  ) {
    this.positionMs = endMs
  }

  /**
   * Takes on the run of density the chain this one continues was in (a hand-off or a
   * hedge), or was split from (its range begins `gapMs` below that chain's position).
   * A fresh run would trust a burst for one and a half pages' span below the first
   * page: a burst found late was then handed on a page or two at a time, each new
   * chain expecting it to end (see DensityRegime).
   */
  continueRegime(from: Chain, gapMs = 0): void {
    this.regime.continueFrom(from.regime, gapMs)
  }

  /** Expected records still to read, for choosing which chain to split. */
  remainingEstimate(): number {
    if (this.done || !this.settings.spec.timeField) return 0
    if (this.pages === 0) {
      // Not heard from yet: what the split that made it expected, or the log type's average.
      return this.expectedRecords ?? this.settings.averageDensity() * (this.endMs - this.startMs)
    }
    return this.densityModel()?.recordsBetween(this.startMs) ?? 0
  }

  /**
   * Hand the oldest part of the remaining range, about `records` expected records
   * (at most half), to a new chain. Splits on whole seconds, so filter literals
   * stay in Graph's documented shape.
   */
  split(
    minSpanMs: number,
    records: number
  ): { startMs: number; endMs: number; expectedRecords: number } | undefined {
    const model = this.orderTrusted ? this.densityModel() : undefined
    if (!model) return undefined
    const remaining = model.recordsBetween(this.startMs)
    const older = Math.min(remaining / 2, records)
    const at = Math.floor(model.timeWithRecordsAbove(remaining - older) / 1000) * 1000
    if (at - this.startMs < minSpanMs || this.positionMs - at < minSpanMs) return undefined
    const range = { startMs: this.startMs, endMs: at, expectedRecords: older }
    this.startMs = at
    return range
  }

  /**
   * The part of [startMs, endMs) whose records are all written: everything when
   * the chain finished; else, while the order holds, from the end of the oldest
   * second written (records come newest first, in no known order within one
   * second) to endMs.
   */
  completeRange(): { startMs: number; endMs: number } | undefined {
    if (this.finished) return { startMs: this.startMs, endMs: this.endMs }
    // Without the order (see noteOrder), a record of any time may still come: nothing is complete.
    if (!this.orderTrusted) return undefined
    const from = Math.min(this.endMs, Math.floor(this.positionMs / 1000) * 1000 + 1000)
    return from < this.endMs
      ? { startMs: Math.max(from, this.startMs), endMs: this.endMs }
      : undefined
  }

  /**
   * An overdue page: hand everything older than about `keepRecords` below the
   * chain's position to a new chain, so one slow page holds up only itself. The
   * boundary is estimated from density; when the slow page comes back short of
   * it, this chain reads on to it (the gap, if any), and stops there.
   */
  handOff(
    minSpanMs: number,
    keepRecords: number
  ): { startMs: number; endMs: number; expectedRecords?: number } | undefined {
    // Without the order (see noteOrder) the chain reads its query to the end anyway,
    // and nothing below its position is known to be unread: no hand-off.
    const model = this.orderTrusted ? this.densityModel() : undefined
    if (!model) return this.pages === 0 ? this.splitByTime(minSpanMs) : undefined
    const remaining = model.recordsBetween(this.startMs)
    if (remaining <= keepRecords) return undefined
    const at = Math.floor(model.timeWithRecordsAbove(keepRecords) / 1000) * 1000
    if (at - this.startMs < minSpanMs || at > this.positionMs) return undefined
    const range = { startMs: this.startMs, endMs: at, expectedRecords: remaining - keepRecords }
    this.startMs = at
    return range
  }

  /**
   * Before a chain has read anything there is no density of its own to go by:
   * hand the older half of its time range to a new chain. The new chain carries
   * an estimate of its records: its share of what this chain was expected to
   * hold, else the log type's average density so far. Without one it would count
   * as unmeasured work, which a slow first page halves again and again (at
   * Graph's own rate with a heavy tail, one export on the virtual clock cut a
   * sparse day into pages of 8 to 70 records, each spending a 2 s start slot).
   */
  splitByTime(
    minSpanMs: number
  ): { startMs: number; endMs: number; expectedRecords?: number } | undefined {
    if (this.done || !this.settings.spec.timeField) return undefined
    const at = Math.floor((this.startMs + this.positionMs) / 2000) * 1000
    if (at - this.startMs < minSpanMs || this.positionMs - at < minSpanMs) return undefined
    const share = (at - this.startMs) / (this.positionMs - this.startMs)
    const density = this.settings.averageDensity()
    let expectedRecords: number | undefined
    if (this.expectedRecords !== undefined) {
      expectedRecords = this.expectedRecords * share
      this.expectedRecords -= expectedRecords
    } else if (density > 0) {
      expectedRecords = density * (at - this.startMs)
    }
    const range = { startMs: this.startMs, endMs: at, expectedRecords }
    this.startMs = at
    return range
  }

  /**
   * What a hedge for the page in flight must read: the rest of this chain's
   * range, from the end of the oldest second written (records of that second
   * already on disk are skipped by id), exactly as a restart would.
   */
  hedgeRange(): { startMs: number; endMs: number; skip: Set<string> } {
    const until = Math.min(this.endMs, Math.floor(this.positionMs / 1000) * 1000 + 1000)
    return { startMs: this.startMs, endMs: until, skip: new Set(this.tailIds) }
  }

  /** Ids the chain must not write (a hedge's overlap with its original's tail second). */
  skipIds(ids: Set<string>): void {
    this.skip = new Set(ids)
  }

  /**
   * The other side of the race won: stop before writing anything more. Whatever
   * this chain wrote stays valid, and its range shrinks to what it covered.
   */
  lose(coveredFromMs: number): void {
    this.lost = true
    if (this.requestStartedAt !== undefined) this.discardedRequests++
    this.startMs = Math.max(this.startMs, Math.min(coveredFromMs, this.endMs))
    this.cancelled.abort(new Error('lost a race to a hedged request'))
  }

  /** Time this chain has read through (for the log type's average density). */
  coveredMs(): number {
    return this.done ? this.endMs - this.startMs : this.endMs - this.positionMs
  }

  /** Where the unread records of [startMs, positionMs) probably are (density-model.ts). */
  private densityModel(): DensityModel | undefined {
    if (this.done || this.pages === 0 || !this.settings.spec.timeField) return undefined
    return estimateDensity({
      positionMs: this.positionMs,
      lastPageKept: this.lastPageKept,
      lastPageSpanMs: this.lastPageSpanMs,
      pageSize: this.settings.pageSize,
      averageDensity: this.settings.averageDensity(),
      regime: this.regime
    })
  }

  async run(signal: AbortSignal): Promise<void> {
    const out = createWriteStream(this.tmpPath, { flags: 'a' })
    // Write errors reach writeRecords through its callback; without a listener they would crash the process.
    out.on('error', () => undefined)
    try {
      await this.readAll(out, AbortSignal.any([signal, this.cancelled.signal]))
      this.finished = true
    } catch (error) {
      // A race lost is no failure: the winner reads the rest, and what this chain
      // wrote covers its (shrunk) range.
      if (this.lost) this.finished = true
      // A failed write of the temp file must name it (Node's write errors do not).
      else throw withPath(error, this.tmpPath)
    } finally {
      this.requestStartedAt = undefined
      this.done = true
      // A finished chain is kept for its counters, not its last page.
      this.reader?.release()
      out.end()
      await once(out, 'close')
    }
  }

  private async readAll(out: WriteStream, signal: AbortSignal): Promise<void> {
    const { spec } = this.settings
    let url = this.queryUrl(this.endMs)
    this.firstUrl = url
    let firstPage = true
    // Links this chain (since its last fresh query) has followed: one seen again is a loop.
    let followed = new Set<string>()
    let emptyPages = 0
    const fetch = {
      ...this.settings.fetch,
      onRequestStart: () => {
        this.requestStartedAt = this.settings.fetch.clock.now()
        this.handedOff = false
        this.timedOut = false
      },
      onTimeout: () => this.narrowAfterTimeout()
    }
    const reader = new PageReader(fetch)
    this.reader = reader
    for (;;) {
      let page
      try {
        page = await reader.read(url, firstPage, signal)
      } catch (error) {
        this.requestStartedAt = undefined
        if (
          error instanceof GraphRequestError &&
          error.kind === 'retention-edge' &&
          error.retentionEdgeMs !== undefined &&
          // A minimum at or before where the query asked from cannot move it on: fail, naming
          // retention. (Not this.startMs: a split may have raised it while the query was out.)
          error.retentionEdgeMs > this.queryStartMs &&
          spec.timeField &&
          this.retentionMoves < MAX_RETENTION_MOVES
        ) {
          // Graph no longer holds the start of this range: read what it holds, from its edge.
          this.retentionMoves++
          const edge = error.retentionEdgeMs
          this.settings.onRetentionEdge?.(edge)
          const until = this.narrowed ? this.queryEndMs : this.endMs
          const from = Math.max(edge, this.startMs)
          if (from >= until) return
          this.startMs = from
          url = this.queryUrl(until)
          firstPage = true
          followed = new Set()
          emptyPages = 0
          continue
        }
        if (
          error instanceof GraphRequestError &&
          error.kind === 'chain-broken' &&
          this.restarts < MAX_CHAIN_RESTARTS &&
          spec.timeField
        ) {
          this.restarts++
          // While the order holds, everything newer than the oldest second written is on disk
          // already. Without it, only the whole slice is safe (the merge drops what repeats).
          const until = this.orderTrusted
            ? Math.min(this.endMs, Math.floor(this.positionMs / 1000) * 1000 + 1000)
            : this.endMs
          this.skip = this.orderTrusted ? new Set(this.tailIds) : new Set()
          url = this.queryUrl(until)
          firstPage = true
          followed = new Set()
          emptyPages = 0
          this.settings.logger.info(
            `${spec.name}: ${error.message}; restarting this part of the window with a fresh query ` +
              `(${new Date(this.startMs).toISOString()} to ${new Date(until).toISOString()}).`
          )
          continue
        }
        throw error
      }
      this.requestStartedAt = undefined
      if (this.lost) return
      if (this.race) this.winRace()
      firstPage = false
      this.pages++
      const positionBefore = this.positionMs
      const keptBefore = this.kept
      const wasTrusted = this.orderTrusted
      this.noteOrder(page.records)
      const { keep, reachedStart } = this.keep(page.records, this.skip)
      this.lastPageKept = this.kept - keptBefore
      this.lastPageSpanMs = positionBefore - this.positionMs
      this.regime.note(this.lastPageKept, this.lastPageSpanMs, positionBefore)
      await appendRecords(out, page, keep)
      this.settings.onProgress()
      if (wasTrusted && !this.orderTrusted && this.narrowed) {
        // A restart trusted the order to skip what was newer than the oldest second
        // written; it did not hold, so read the whole slice again.
        this.settings.logger.info(
          `${spec.name}: Graph's records arrived out of time order; re-reading ` +
            `${new Date(this.startMs).toISOString()} to ${new Date(this.endMs).toISOString()} without relying on it.`
        )
        this.skip = new Set()
        url = this.queryUrl(this.endMs)
        firstPage = true
        followed = new Set()
        emptyPages = 0
        continue
      }
      if (!page.nextLink || (reachedStart && this.orderTrusted)) return
      emptyPages = page.records.length === 0 ? emptyPages + 1 : 0
      if (emptyPages > MAX_EMPTY_PAGES) {
        throw new GraphRequestError(
          `${spec.title}: Graph sent ${emptyPages} empty pages in a row, each with a nextLink; ` +
            'stopped following them (the chain looks endless). Re-run; if it repeats, narrow the window.',
          'fatal',
          undefined,
          'loop'
        )
      }
      if (followed.has(page.nextLink)) {
        throw new GraphRequestError(
          `${spec.title}: Graph sent a nextLink this query had already followed; stopped ` +
            'following it (the chain would loop forever). Re-run; if it repeats, narrow the window.',
          'fatal',
          undefined,
          'loop'
        )
      }
      followed.add(page.nextLink)
      url = page.nextLink
    }
  }

  /**
   * Check the arriving order against the one the chain relies on (newest first,
   * equal times allowed). A record newer than the one before it is a violation:
   * counted, and from then on the chain stops relying on the order.
   */
  private noteOrder(records: readonly PageRecord[]): void {
    if (!this.settings.spec.timeField) return
    for (const { timeMs } of records) {
      if (Number.isNaN(timeMs)) continue
      if (timeMs > this.lastTimeSeen) {
        this.orderViolations++
        this.orderTrusted = false
      }
      this.lastTimeSeen = timeMs
    }
  }

  /** This chain's page came back first: every other side of the race stops. */
  private winRace(): void {
    const race = this.race as Race
    race.winner = this
    for (const other of [race.original, ...race.hedges]) {
      if (other === this) continue
      // The original covered what it wrote, down to where the winning hedge starts
      // (every hedge reads the same range); a losing hedge wrote nothing.
      other.lose(other === race.original ? this.endMs : other.endMs)
      other.race = undefined
    }
    this.race = undefined
  }

  /**
   * A request timed out (the extreme of a slow page): hand off the older part
   * of the range, then retry with a fresh query over what is left, which a big
   * tenant answers sooner than the wide one. Returns the URL for the retry.
   * Microsoft's List signIns page recommends a time range because unfiltered
   * requests time out (microsoft-graph-docs-contrib PR #9257, signin-list.md);
   * SDK users hit the 300 s client timeout (msgraph-sdk-powershell #3146).
   */
  private narrowAfterTimeout(): string | undefined {
    const { spec } = this.settings
    if (!spec.timeField || this.race || this.lost) return undefined
    this.timedOut = true
    const startBefore = this.startMs
    this.settings.onTimeout?.(this)
    if (this.startMs === startBefore) return undefined
    // As a restart: from the oldest second written while the order holds, else the whole slice.
    const until = this.orderTrusted
      ? Math.min(this.endMs, Math.floor(this.positionMs / 1000) * 1000 + 1000)
      : this.endMs
    this.skip = this.orderTrusted && this.pages > 0 ? new Set(this.tailIds) : new Set()
    return this.queryUrl(until)
  }

  /** Which of the page's records this chain keeps (their positions in the page, in order). */
  private keep(
    records: readonly PageRecord[],
    skip: Set<string>
  ): { keep: number[]; reachedStart: boolean } {
    const { spec, window } = this.settings
    const keep: number[] = []
    let reachedStart = false
    for (let i = 0; i < records.length; i++) {
      const { id, timeMs: t } = records[i]
      if (spec.timeField && window) {
        if (Number.isNaN(t)) {
          this.drops.untimed++
          if (this.untimedIds.length < UNTIMED_SAMPLE) this.untimedIds.push(id ?? '(no id)')
          continue
        }
        if (t < window.start.getTime() || t >= window.end.getTime()) {
          // The client-side guard: the file holds exactly [start, end), whatever the server sent.
          this.drops.outOfWindow++
          if (t < this.startMs) reachedStart = true
          continue
        }
        if (t < this.startMs) {
          // Belongs to the chain that took the older part of the range.
          reachedStart = true
          continue
        }
        if (t >= this.endMs) continue // a newer chain's range; it reads this record itself
        if (id !== undefined && skip.has(id)) {
          this.drops.refetched++
          continue
        }
        const second = Math.floor(t / 1000)
        if (second < this.tailSecond) {
          this.tailSecond = second
          this.tailIds.clear()
        }
        if (second === this.tailSecond && id !== undefined) this.tailIds.add(id)
        if (t < this.positionMs) this.positionMs = t
      }
      keep.push(i)
      this.kept++
    }
    return { keep, reachedStart }
  }

  private queryUrl(untilMs: number): string {
    // Each fresh query starts a new order: its first record may be newer than the last one seen.
    this.lastTimeSeen = Number.POSITIVE_INFINITY
    this.queryEndMs = untilMs
    this.queryStartMs = this.startMs
    this.narrowed = untilMs < this.endMs
    const { spec, graphEndpoint, extraFilter, pageSize } = this.settings
    const range = spec.timeField ? { startMs: this.startMs, endMs: untilMs } : undefined
    return buildQueryUrl(graphEndpoint, spec, buildFilter(spec, range, extraFilter), pageSize)
  }
}
