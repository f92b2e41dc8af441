/**
 * Issue 18's short export, as the virtual clock runs it: three log types of
 * 26,000 + 19,000 + 13,500 records over a week, half of each in one hour (59 full
 * pages of 1000). Shared by the pinned schedules in
 * __tests__/export/split-and-hand-off.test.ts and `npm run bench:virtual`.
 */
import type { LogTypeName } from '../../src/settings.js'
import { burstyTimes } from './virtual-graph.js'
import { mulberry32 } from '../fake-tenant/random.js'

export const END = Date.parse('2026-10-06T00:00:00Z')
export const WEEK = { start: new Date(END - 7 * 86_400_000), end: new Date(END) }
export const BURST = { share: 0.5, atMs: Date.parse('2026-10-03T09:00:00Z') }
export const THREE: Partial<Record<LogTypeName, number>> = {
  'interactive-sign-ins': 26_000,
  'service-principal-sign-ins': 19_000,
  'audit-logs': 13_500
}
export const MIN_PAGES = 26 + 19 + 14
/** The bench's tail model: 10% of pages 8× slower, 2% 30× slower. */
export const HEAVY_TAIL = [
  { share: 0.1, factor: 8 },
  { share: 0.02, factor: 30 }
]

/** Record times per log type, seeded (`salt` shifts every log type's seed). */
export function records(
  counts: Partial<Record<LogTypeName, number>>,
  salt = 0
): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(counts).map(([name, n], i) => [
      name,
      burstyTimes(n, WEEK.start.getTime(), END, BURST, 10 + i + salt)
    ])
  )
}

/**
 * The same counts with each log type's burst drawn by `seed`: 30-70% of its records
 * in one hour anywhere in the week. The fixed burst above puts every log type's burst
 * in the same hour mid-week; a scheduler tuned on it alone can be tuned to where that
 * hour falls (`VIRTUAL_MODE=mix` in bench/virtual-seeds.bench.ts).
 */
export function mixedRecords(
  counts: Partial<Record<LogTypeName, number>>,
  seed: number
): Record<string, number[]> {
  const rng = mulberry32(1_000 + seed)
  const hours = (END - WEEK.start.getTime()) / 3_600_000
  return Object.fromEntries(
    Object.entries(counts).map(([name, n], i) => {
      const burst = {
        share: 0.3 + 0.4 * rng(),
        atMs: WEEK.start.getTime() + Math.floor(rng() * hours) * 3_600_000
      }
      return [name, burstyTimes(n, WEEK.start.getTime(), END, burst, 10 + i + seed)]
    })
  )
}
