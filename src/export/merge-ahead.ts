import { rm } from 'node:fs/promises'
import type { Chain } from './chain.js'

/** What merge-ahead needs of a log type's writer (output's RecordWriter has it). */
export interface AbortableWriter {
  abort(): Promise<string[]>
}

/** The counters a merge pass returns; merge-ahead sums them over its passes. */
export interface MergeCounts {
  rows: number
  duplicates: number
  previouslyExported: number
  lateRecords: number
  rememberedIds: string[]
}

/** What is merged already when the log type's last chain stops. */
export interface MergedAhead<W> {
  writer: W
  /** The chains whose files are in the writer, in merge order (newest range first). */
  chains: Chain[]
  counts: MergeCounts
}

/**
 * Merges a log type's chain files into its writer while other chains are still
 * reading, so the end of the export is not spent writing (on a short export of
 * full pages, the last log type's 26,000 rows took 0.6-1.4 s after its last page).
 *
 * The merge order stays the one the final pass uses, newest range first, so the
 * output and the deduplication are the same as merging everything at the end:
 * a chain is merged only when every chain before it in that order is merged,
 * and it has read its range to the end. New chains only ever take part of a
 * running chain's range, so they sort after every merged chain; a race's
 * loser moves its start up, but no higher than its own end, so it still sorts
 * after them. Should the order change all the same, merge-ahead stops and the
 * final pass merges everything, as before.
 *
 * Only a complete log type uses what is merged ahead (its files get their final
 * names); a failed or stopped one is merged again from the chain files with
 * `onlyRanges`, and `merged` tells that pass which files were observed already.
 */
export class MergeAhead<W extends AbortableWriter> {
  private writer?: W
  private opening?: Promise<W>
  private readonly merged: Chain[] = []
  private readonly counts: MergeCounts = {
    rows: 0,
    duplicates: 0,
    previouslyExported: 0,
    lateRecords: 0,
    rememberedIds: []
  }
  private queue: Promise<void> = Promise.resolve()
  private error?: unknown
  /** Stopped for good: the log type failed, was stopped, or the order of merging could not hold. */
  private halted = false

  constructor(
    private readonly chains: () => Chain[],
    private readonly open: () => Promise<W>,
    /** Merges the chains' files into `writer` in order (one pass of mergeChainFiles, same id set every call). */
    private readonly merge: (chains: Chain[], writer: W) => Promise<MergeCounts>,
    /** False once the log type has failed or been stopped: nothing more is merged ahead. */
    private readonly going: () => boolean,
    /**
     * False once merging more ahead would cost more memory than it saves time:
     * what is merged stays, the rest waits for the final pass (see startMergeAhead).
     */
    private readonly hasRoom: () => boolean = () => true
  ) {}

  /** A chain stopped: merge what can be merged now, after any merge still running. */
  advance(): void {
    this.queue = this.queue.then(() => this.step())
  }

  /**
   * The writer merge-ahead writes to, opened now if it was not yet (render-ahead
   * renders rows with it: every sink of the log type renders the same).
   */
  async opened(): Promise<W> {
    if (this.error !== undefined || this.halted) throw new Error('merge-ahead stopped')
    return this.ensureWriter()
  }

  /** One writer, however many callers ask for it while it opens. */
  private ensureWriter(): Promise<W> {
    this.opening ??= this.open().then(writer => (this.writer = writer))
    return this.opening
  }

  /** Resolves once the merges asked for so far are done. */
  settled(): Promise<void> {
    return this.queue
  }

  /**
   * Chains in the final pass's order (stable sort: ties keep creation order) whose
   * files can be merged now, or undefined when the merged ones are no longer its prefix.
   */
  private ready(): Chain[] | undefined {
    const ordered = [...this.chains()].sort(newestRangeFirst)
    for (let i = 0; i < this.merged.length; i++) {
      if (ordered[i] !== this.merged[i]) return undefined
    }
    const next: Chain[] = []
    for (const chain of ordered.slice(this.merged.length)) {
      if (!mergeable(chain)) break
      next.push(chain)
    }
    return next
  }

  private async step(): Promise<void> {
    if (this.halted || this.error !== undefined) return
    if (!this.going()) {
      this.halted = true
      return
    }
    if (!this.hasRoom()) return
    const next = this.ready()
    if (!next) {
      this.halted = true
      return
    }
    if (next.length === 0) return
    try {
      await this.ensureWriter()
      const counts = await this.merge(next, this.writer as W)
      this.merged.push(...next)
      addCounts(this.counts, counts)
    } catch (error) {
      // Named by the final pass (writeMerged throws it), where a write error always was.
      this.error = error
      await this.writer?.abort().catch(() => undefined)
    }
  }

  /**
   * The log type's last chain has stopped: wait for the merge running, then hand
   * over the writer with what is merged (undefined when nothing was), or throw
   * the error a merge-ahead pass hit. The caller merges the remaining chains into
   * it, with the same id set, in the same order.
   */
  async take(): Promise<MergedAhead<W> | undefined> {
    await this.queue
    await this.opening?.catch(() => undefined)
    if (this.error !== undefined) throw this.error
    // A merge order that no longer holds would change which copy of a duplicate is kept.
    if (this.halted) return this.discardAndUndefined()
    if (!this.writer) return undefined
    return { writer: this.writer, chains: [...this.merged], counts: this.counts }
  }

  /**
   * The log type is not complete: its files are written again from the chain
   * files (with only complete ranges). Drops what was merged ahead and returns
   * the chains whose records were observed already.
   */
  async discard(): Promise<Chain[]> {
    await this.queue
    await this.opening?.catch(() => undefined)
    await this.discardAndUndefined()
    return [...this.merged]
  }

  private async discardAndUndefined(): Promise<undefined> {
    const writer = this.writer
    this.writer = undefined
    this.halted = true
    if (writer && this.error === undefined) {
      // abort() publishes partial files under `.incomplete` names; the final pass writes its own.
      const left = await writer.abort().catch(() => [])
      await Promise.all(left.map(path => rm(path, { force: true })))
    }
    return undefined
  }
}

/**
 * The order of merging, here and in the final pass (write-merged.ts): newest
 * range first. A start shared by two chains is a race (the original, whose end
 * is the higher, goes first) or a race's loser that read nothing, left empty at
 * its own end, which is the next newer chain's start: that chain goes first, so
 * the order does not change when it later hands off the older part of its range.
 */
export function newestRangeFirst(a: Chain, b: Chain): number {
  return b.startMs - a.startMs || b.endMs - a.endMs
}

/**
 * A chain whose file is final: read to its end, or stopped by losing a race.
 * A loser's file is final too, and merging it now is what the final pass does:
 * a losing hedge wrote nothing, and a losing original wrote records down to
 * its oldest second, which the winner skips by id (Chain.hedgeRange), so the
 * loser merges before the winner in both passes. Its range moved above those
 * records, but it stays above the winner's, so the order holds.
 */
function mergeable(chain: Chain): boolean {
  if (!chain.done || !chain.finished) return false
  if (chain.lost) return true
  // Nothing written below its start (a retention edge that moved past what it had read).
  return chain.positionMs >= chain.startMs
}

function addCounts(into: MergeCounts, add: MergeCounts): void {
  into.rows += add.rows
  into.duplicates += add.duplicates
  into.previouslyExported += add.previouslyExported
  into.lateRecords += add.lateRecords
  into.rememberedIds.push(...add.rememberedIds)
}

/** The sum of two merge passes. */
export function sumCounts<T extends MergeCounts>(a: MergeCounts, b: T): T {
  return {
    ...b,
    rows: a.rows + b.rows,
    duplicates: a.duplicates + b.duplicates,
    previouslyExported: a.previouslyExported + b.previouslyExported,
    lateRecords: a.lateRecords + b.lateRecords,
    rememberedIds: [...a.rememberedIds, ...b.rememberedIds]
  }
}
