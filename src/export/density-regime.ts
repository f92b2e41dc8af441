/**
 * How far below its position a chain should trust the density of its last page.
 * Logs come in bursts of unknown length, and a chain learns a burst page by page:
 * with a fixed horizon of a page or two, a chain inside a 13-page burst expected
 * under two pages ahead, so the burst was split late, a page at a time, each split
 * a short page (a skewed week of full pages: 65 requests for 59 pages). A run of
 * pages at about the same density that has lasted T so far is expected to last
 * about T more (the best guess without a prior on burst length), so the horizon
 * is the span of the current run, never less than the fixed one.
 */
export class DensityRegime {
  /** Where the current run of similar pages began (the newest edge of its first page). */
  private fromMs?: number
  private density = 0

  /** Pages within this factor of the run's first page belong to the run. */
  static readonly FACTOR = 2

  /** A page read from `positionBeforeMs` down, `kept` records over `spanMs`. */
  note(kept: number, spanMs: number, positionBeforeMs: number): void {
    if (kept === 0) return
    const density = kept / Math.max(1000, spanMs)
    if (
      this.fromMs === undefined ||
      density > DensityRegime.FACTOR * this.density ||
      density < this.density / DensityRegime.FACTOR
    ) {
      this.fromMs = positionBeforeMs
      this.density = density
    }
  }

  /**
   * Goes on from the run of the chain this one takes over from (a hand-off or a hedge),
   * or was split from: a split's range begins `gapMs` below the other's position, and the
   * run is counted from there as long as the other saw it. Counted across the unread gap
   * as well, a run was trusted far past where its burst ended and splits carved
   * near-empty ranges (scheduler.ts has the figures).
   */
  continueFrom(other: DensityRegime, gapMs = 0): void {
    this.fromMs = other.fromMs === undefined ? undefined : other.fromMs - gapMs
    this.density = other.density
  }

  /** The span the last page's density is trusted for below `positionMs`, at least `minMs`. */
  horizonMs(positionMs: number, minMs: number): number {
    return this.fromMs === undefined ? minMs : Math.max(minMs, this.fromMs - positionMs)
  }
}
