/**
 * `npm run bench:virtual` (VIRTUAL_MODE=full|tail, VIRTUAL_SEEDS=1,2,...): issue 18's short export
 * (26,000 + 19,000 + 13,500 records over a week, half of each in one hour, pages of
 * 1000) on the virtual clock of __tests__/support/virtual-export.ts, once per seed.
 * The real bench runs one seeded tail; its figure moves with that seed's luck, so
 * scheduler changes are compared here, over many seeds, in seconds of real time.
 *   full: dataset seeds vary, no tail;  tail: latency seeds vary (10% of pages 8×, 2% 30×).
 * Pages take 570 ms + 0.1 ms per record (670 ms a full page: the real bench's 640 ms
 * answer plus the time to receive and parse it, which the virtual clock does not see).
 * Prints seconds, requests and chains per log type for each seed, and the mean, and
 * fails if any export is not exact. Run by jest (not by `npm test`): the virtual
 * clock waits for the file system between steps, which under tsx also waits on
 * tsx's own cache writes.
 */
import type { LogTypeName } from '../src/settings.js'
import { virtualExport } from '../__tests__/support/virtual-export.js'
import { END, HEAVY_TAIL, THREE, WEEK, records } from '../__tests__/support/short-skewed-week.js'

test('issue 18 short export on the virtual clock, seed by seed', async () => {
  const mode = process.env.VIRTUAL_MODE === 'full' ? 'full' : 'tail'
  const seeds = (process.env.VIRTUAL_SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number)
  const logTypes = Object.keys(THREE) as LogTypeName[]
  const lines: string[] = []
  const durations: number[] = []
  for (const seed of seeds) {
    const run = await virtualExport(
      { window: WEEK, pageSize: 1000, rateLimit: 50, maxConcurrency: 8, logTypes },
      mode === 'tail'
        ? {
            records: records(THREE),
            latencyMs: page => 570 + 0.1 * page.records,
            tail: HEAVY_TAIL,
            seed
          }
        : { records: records(THREE, seed), latencyMs: page => 570 + 0.1 * page.records }
    )
    for (const logType of logTypes) {
      const ids = run.ids(logType)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(run.graph.expected(logType, WEEK.start.getTime(), END).length)
    }
    durations.push(run.durationMs)
    const chains = run.result.logTypes.map(t => t.chains).join('/')
    lines.push(
      `${mode} seed ${seed}: ${(run.durationMs / 1000).toFixed(2)} s, ` +
        `${run.graph.starts.length} requests, chains ${chains}`
    )
  }
  // The median too: a run the machine stalled (a garbage collection while a write is
  // pending) can come out seconds longer, and one such run moves the mean of 8 a lot.
  const mean = durations.reduce((sum, ms) => sum + ms, 0) / durations.length
  const sorted = [...durations].sort((a, b) => a - b)
  const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2
  lines.push(
    `${mode} mean: ${(mean / 1000).toFixed(2)} s, median ` +
      `${(median / 1000).toFixed(2)} s (ideal 11.8 s)`
  )
  process.stdout.write(lines.join('\n') + '\n')
}, 600_000)
