import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import type { LogTypeSpec } from '../log-types.js'
import type { Logger } from '../logger.js'
import type { TimeWindow } from '../settings.js'
import { GraphRequestError } from '../graph/graph-errors.js'
import { fetchPage, type FetchContext } from '../graph/page-fetcher.js'
import { buildFilter, buildQueryUrl, recordTimeMs } from '../graph/query.js'
import { writePage } from './page-file.js'

/** A chain may be restarted this often before the log type is declared failed. */
export const MAX_CHAIN_RESTARTS = 5

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
 * as JSON lines to its own temp file. Graph returns records newest first, which
 * makes two things exact:
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
  readonly drops: ChainDrops = { outOfWindow: 0, refetched: 0, untimed: 0 }
  /** The first query this chain sent, for the manifest. */
  firstUrl = ''

  private lastPageKept = 0
  private lastPageSpanMs = 0
  private tailSecond = Number.POSITIVE_INFINITY
  private tailIds = new Set<string>()

  constructor(
    private readonly settings: ChainSettings,
    public startMs: number,
    readonly endMs: number,
    readonly tmpPath: string
  ) {
    this.positionMs = endMs
  }

  /** Expected records still to read, for choosing which chain to split. */
  remainingEstimate(): number {
    if (this.done || this.pages === 0 || !this.settings.spec.timeField) return 0
    // Density where the chain is now (its last page), not its average: logs come in
    // bursts, and a chain that just entered a busy hour has most of its work ahead.
    const covered = Math.max(1, this.endMs - this.positionMs)
    const average = Math.max(this.kept, 1) / covered
    const recent = this.lastPageKept / Math.max(1000, this.lastPageSpanMs)
    return (this.positionMs - this.startMs) * Math.max(recent, average / 4)
  }

  /**
   * Hand the older half of what remains to a new chain. Splits on whole seconds,
   * so filter literals stay in Graph's documented shape.
   */
  split(minSpanMs: number): { startMs: number; endMs: number } | undefined {
    if (this.done || this.pages === 0 || !this.settings.spec.timeField) return undefined
    const mid = Math.floor((this.startMs + (this.positionMs - this.startMs) / 2) / 1000) * 1000
    if (mid - this.startMs < minSpanMs || this.positionMs - mid < minSpanMs) return undefined
    const older = { startMs: this.startMs, endMs: mid }
    this.startMs = mid
    return older
  }

  async run(signal: AbortSignal): Promise<void> {
    const out = createWriteStream(this.tmpPath, { flags: 'a' })
    try {
      await this.readAll(out, signal)
    } finally {
      this.done = true
      out.end()
      await once(out, 'close')
    }
  }

  private async readAll(out: WriteStream, signal: AbortSignal): Promise<void> {
    const { spec } = this.settings
    let skip = new Set<string>()
    let url = this.queryUrl(this.endMs)
    this.firstUrl = url
    let firstPage = true
    for (;;) {
      let page
      try {
        page = await fetchPage(this.settings.fetch, url, firstPage, signal)
      } catch (error) {
        if (
          error instanceof GraphRequestError &&
          error.kind === 'chain-broken' &&
          this.restarts < MAX_CHAIN_RESTARTS &&
          spec.timeField
        ) {
          this.restarts++
          // Everything newer than the oldest second written is on disk already.
          const until = Math.min(this.endMs, Math.floor(this.positionMs / 1000) * 1000 + 1000)
          skip = new Set(this.tailIds)
          url = this.queryUrl(until)
          firstPage = true
          this.settings.logger.info(
            `${spec.name}: ${error.message}; restarting this part of the window with a fresh query ` +
              `(${new Date(this.startMs).toISOString()} to ${new Date(until).toISOString()}).`
          )
          continue
        }
        throw error
      }
      firstPage = false
      this.pages++
      const positionBefore = this.positionMs
      const keptBefore = this.kept
      const { keep, reachedStart } = this.keep(page.records, skip)
      this.lastPageKept = this.kept - keptBefore
      this.lastPageSpanMs = positionBefore - this.positionMs
      if (keep === null || keep.length > 0) await writePage(out, page.body, keep)
      this.settings.onProgress()
      if (!page.nextLink || reachedStart) return
      url = page.nextLink
    }
  }

  /** Indices of the page's records this chain keeps (null: all of them). */
  private keep(
    records: Record<string, unknown>[],
    skip: Set<string>
  ): { keep: number[] | null; reachedStart: boolean } {
    const { spec, window } = this.settings
    const keep: number[] = []
    let reachedStart = false
    for (let index = 0; index < records.length; index++) {
      const record = records[index]
      const id = typeof record.id === 'string' ? record.id : undefined
      if (spec.timeField && window) {
        const t = recordTimeMs(record, spec.timeField)
        if (Number.isNaN(t)) {
          this.drops.untimed++
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
      keep.push(index)
      this.kept++
    }
    return { keep: keep.length === records.length ? null : keep, reachedStart }
  }

  private queryUrl(untilMs: number): string {
    const { spec, graphEndpoint, extraFilter, pageSize } = this.settings
    const range = spec.timeField ? { startMs: this.startMs, endMs: untilMs } : undefined
    return buildQueryUrl(graphEndpoint, spec, buildFilter(spec, range, extraFilter), pageSize)
  }
}
