/**
 * Issue 18's short export, as the virtual clock runs it: three log types of
 * 26,000 + 19,000 + 13,500 records over a week, half of each in one hour (59 full
 * pages of 1000). Shared by the pinned schedules in
 * __tests__/export/split-and-hand-off.test.ts and `npm run bench:virtual`.
 */
import type { LogTypeName } from '../../src/settings.js'
import { burstyTimes } from './virtual-graph.js'

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
