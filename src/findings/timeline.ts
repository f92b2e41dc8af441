import type { TimeWindow } from '../settings.js'
import type { Timeline } from './types.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Hourly buckets up to this window length, daily beyond (issue 8). */
export const HOURLY_UP_TO_MS = 3 * DAY
/** A year-long window would give 365 daily buckets; widen them to stay a readable line. */
const MAX_BUCKETS = 120

/**
 * Records per time bucket over the window, as a fixed array sized from the
 * window alone, so memory does not grow with the number of records.
 */
export class TimelineCounter {
  private readonly base: number
  private readonly bucketMs: number
  private readonly counts: number[]
  private outside = 0

  constructor(
    private readonly window: TimeWindow,
    private readonly timeField: string
  ) {
    const startMs = window.start.getTime()
    const spanMs = Math.max(window.end.getTime() - startMs, 1)
    const unit = spanMs > HOURLY_UP_TO_MS ? DAY : HOUR
    // Floor to UTC hour/day boundaries so buckets read as clock hours and calendar days.
    this.base = Math.floor(startMs / unit) * unit
    const units = Math.ceil((window.end.getTime() - this.base) / unit)
    this.bucketMs = unit * Math.max(1, Math.ceil(units / MAX_BUCKETS))
    this.counts = new Array<number>(
      Math.max(1, Math.ceil((window.end.getTime() - this.base) / this.bucketMs))
    ).fill(0)
  }

  add(record: Record<string, unknown>): void {
    const value = record[this.timeField]
    const ms = typeof value === 'string' ? Date.parse(value) : NaN
    const index = Math.floor((ms - this.base) / this.bucketMs)
    if (Number.isInteger(index) && index >= 0 && index < this.counts.length) this.counts[index]++
    else this.outside++
  }

  result(): Timeline {
    return {
      bucket: this.bucketMs >= DAY ? 'day' : 'hour',
      bucketMs: this.bucketMs,
      start: new Date(this.base).toISOString(),
      counts: [...this.counts],
      outside: this.outside,
      windowStart: this.window.start.toISOString(),
      windowEnd: this.window.end.toISOString()
    }
  }
}

/**
 * Whether the first and last buckets cover less time than a whole bucket: a
 * window that does not start or end on a bucket boundary (`since: 24h`
 * without `align`), or a last multi-day bucket cut by the window's end.
 */
export function partialEdges(t: Timeline): { first: boolean; last: boolean } {
  const start = Date.parse(t.start)
  return {
    first: Date.parse(t.windowStart) > start,
    last: start + t.counts.length * t.bucketMs > Date.parse(t.windowEnd)
  }
}
