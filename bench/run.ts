/**
 * `npm run bench`: our export against baselines on the simulated tenant, one table.
 * Every export runs in a child process (bench/export-child.ts) against a fresh
 * simulated tenant of its own, so the throttle counters and 429s are that run's
 * alone and the child's peak RSS excludes the server. Every export is checked for
 * exactness against the dataset; any miss prints ✗ and fails the run.
 * Arguments: scenario ids to run a subset (e.g. `tsx bench/run.ts slow scale-100k`).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import * as os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  expectedIds,
  startFakeTenant,
  type DatasetOptions,
  type GraphBehaviour
} from '../__tests__/fake-tenant/index.js'
import type { LogTypeName } from '../src/settings.js'
import type { ChildJob, ChildMode, ChildResult } from './export-child.js'
import type { BenchRun } from './settings.js'
import { printReport, type Measured } from './report.js'
import { checkCsv } from './verify.js'

/** The simulated data ends here; the window is the 48 h before (the dataset default). */
const NOW = '2026-10-06T00:00:00Z'
const WINDOW = { start: '2026-10-04T00:00:00Z', end: NOW }
const SEED = 7
/** Time-scaled Graph: 50 requests per 10 s here is Graph's 5 per 10 s, ten times faster. */
const THROTTLE = { limit: 50, windowMs: 10_000 }
const PACED_RUN = { pageSize: 100, rateLimit: 50, maxConcurrency: 8 }
const TWO_TYPES: LogTypeName[] = ['service-principal-sign-ins', 'audit-logs']
// 160 pages per scenario at page-size 100: long enough that start-up and the last page's latency do not dominate.
const PER_TYPE = 8_000
const SCALE_TYPE: LogTypeName = 'non-interactive-sign-ins'
const SCALE_RUN = { pageSize: 1000, rateLimit: 10_000, maxConcurrency: 4 }
/** The naive baseline holds every record in memory; the default heap limit would end it early. */
const NAIVE_HEAP = ['--max-old-space-size=16384']

export interface Scenario {
  id: string
  title: string
  dataset: DatasetOptions
  graph: GraphBehaviour
  run: Omit<BenchRun, 'outputDir' | 'window'>
  baseline: Exclude<ChildMode, 'ours' | 'idle'>
  /** Throttled scenarios have an ideal: the pages needed at exactly the rate limit. */
  paced: boolean
  /** The export window, when not the default 48 h (the dataset is given the same span). */
  window?: { start: string; end: string }
}

/** Issue 18's short export: a skewed week, three log types, about 59 full pages. */
const WEEK = { start: '2026-09-29T00:00:00Z', end: NOW }
const FULL_PAGES: Pick<Scenario, 'dataset' | 'run' | 'window'> = {
  window: WEEK,
  dataset: {
    window: WEEK,
    // 26 + 19 + 14 = 59 pages of 1000; half of each log type in one hour.
    count: {
      'interactive-sign-ins': 26_000,
      'service-principal-sign-ins': 19_000,
      'audit-logs': 13_500
    },
    skew: { fraction: 0.5, hourStart: '2026-10-03T09:00:00Z' }
  },
  run: {
    logTypes: ['interactive-sign-ins', 'service-principal-sign-ins', 'audit-logs'],
    pageSize: 1000,
    rateLimit: 50,
    maxConcurrency: 8
  }
}
/** Page latency on the full-page scenarios: 500 ms + 0.1 ms per record (600 ms for a full page). */
const FULL_PAGE_LATENCY = { latencyMs: 500, latencyPerRecordMs: 0.1 }
/**
 * Row 6's figure is one draw: which requests the seeded dice make slow depends on
 * the order requests arrive in. The same export runs again with these latency
 * seeds (ours only), and the report gives their median beside the row
 * (BENCH_TAIL_SEEDS=1,2,... to choose, empty to skip).
 */
const TAIL_SEEDS = (process.env.BENCH_TAIL_SEEDS ?? '1,2,3,4,5,6,7,8')
  .split(',')
  .filter(seed => seed.trim() !== '')
  .map(seed => {
    if (!/^\s*\d+\s*$/.test(seed))
      throw new Error(`BENCH_TAIL_SEEDS: '${seed}' is not a whole number`)
    return Number(seed)
  })
/** The tail model: 10% of pages 8× slower, 2% 30× slower, seeded. */
const HEAVY_TAIL = [
  { share: 0.1, factor: 8 },
  { share: 0.02, factor: 30 }
]

const SCENARIOS: Scenario[] = [
  {
    id: 'slow',
    title: '1 slow pages (1000 ms)',
    dataset: { count: PER_TYPE },
    graph: { latencyMs: 1000, throttle: THROTTLE },
    run: { logTypes: TWO_TYPES, ...PACED_RUN },
    baseline: 'sequential',
    paced: true
  },
  {
    id: 'fast',
    title: '2 fast pages (50 ms), throttled',
    dataset: { count: PER_TYPE },
    graph: { latencyMs: 50, throttle: THROTTLE },
    run: { logTypes: TWO_TYPES, ...PACED_RUN },
    baseline: 'sequential',
    paced: true
  },
  {
    id: 'skew',
    title: '3 skewed: 1/2 in one hour, slow',
    dataset: { count: PER_TYPE, skew: { fraction: 0.5, hourStart: '2026-10-05T09:00:00Z' } },
    graph: { latencyMs: 1000, throttle: THROTTLE },
    run: { logTypes: TWO_TYPES, ...PACED_RUN },
    baseline: 'sequential',
    paced: true
  },
  {
    id: 'full-pages',
    title: '5 full pages, short skewed week',
    ...FULL_PAGES,
    graph: { ...FULL_PAGE_LATENCY, throttle: THROTTLE },
    baseline: 'sequential',
    paced: true
  },
  {
    id: 'heavy-tail',
    title: '6 heavy-tailed latency',
    ...FULL_PAGES,
    graph: { ...FULL_PAGE_LATENCY, latencyTail: HEAVY_TAIL, latencySeed: 18, throttle: THROTTLE },
    baseline: 'sequential',
    paced: true
  },
  {
    id: 'wide-slow',
    title: '7 latency grows with range width',
    ...FULL_PAGES,
    // 300 ms + 0.1 ms per record + 20 ms per hour queried: a week-wide query takes 3.7 s a page.
    graph: { latencyMs: 300, latencyPerRecordMs: 0.1, latencyPerHourMs: 20, throttle: THROTTLE },
    baseline: 'sequential',
    paced: true
  },
  ...[100_000, 1_000_000].map((count): Scenario => ({
    id: `scale-${count / 1000}k`,
    title: `4 scale ${count >= 1e6 ? `${count / 1e6}M` : `${count / 1000}k`}, no latency/throttle`,
    dataset: { count: { [SCALE_TYPE]: count } },
    graph: { latencyMs: 0, throttle: false },
    run: { logTypes: [SCALE_TYPE], ...SCALE_RUN },
    baseline: 'naive',
    paced: false
  }))
]

const CHILD_SOURCE = fileURLToPath(new URL('./export-child.ts', import.meta.url))
const REPO = fileURLToPath(new URL('..', import.meta.url))
let childScript = ''

/**
 * The child runs bundled by ncc under plain node, as dist/ ships the action: under
 * tsx the loader thread alone would add ~55 MB to every peak RSS.
 */
async function bundleChild(scratch: string): Promise<void> {
  const out = join(scratch, 'child')
  await new Promise<void>((resolve, reject) => {
    const ncc = spawn('npx', ['--no-install', 'ncc', 'build', CHILD_SOURCE, '-o', out, '-q'], {
      cwd: REPO,
      stdio: ['ignore', 'inherit', 'inherit']
    })
    ncc.on('error', reject)
    ncc.on('close', code => (code === 0 ? resolve() : reject(new Error(`ncc exited ${code}`))))
  })
  childScript = join(out, 'index.js')
}

function runChild(job: ChildJob, nodeFlags: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, childScript], {
      env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    child.on('close', code => {
      const last = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(last) as ChildResult)
      } catch {
        reject(new Error(`${job.mode} child exited with ${code} and no result: ${out.slice(-500)}`))
      }
    })
  })
}

/** Expected ids per scenario and log type, computed once for both exporters. */
const expectedCache = new Map<string, Map<LogTypeName, Set<string>>>()

async function measure(
  scenario: Scenario,
  mode: ChildMode,
  scratch: string,
  /** Scenarios with the same dataset share their expected ids. */
  datasetId = scenario.id
): Promise<Measured> {
  const tenant = await startFakeTenant({
    seed: SEED,
    now: NOW,
    dataset: scenario.dataset,
    graph: scenario.graph
  })
  try {
    const window = scenario.window ?? WINDOW
    let expected = expectedCache.get(datasetId)
    if (!expected) {
      expected = new Map(
        scenario.run.logTypes.map(t => [t, new Set(expectedIds(tenant.dataset, t, window))])
      )
      expectedCache.set(datasetId, expected)
    }
    const outputDir = join(scratch, `${scenario.id}-${mode}`)
    const job: ChildJob = {
      mode,
      tenant: {
        tenantId: tenant.tenantId,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        authorityHost: tenant.authorityHost,
        graphEndpoint: tenant.graphEndpoint
      },
      run: { ...scenario.run, window, outputDir },
      windowMs: THROTTLE.windowMs
    }
    const result = await runChild(job, mode === 'naive' ? NAIVE_HEAP : [])
    if (process.env.BENCH_TRACE && mode === 'ours') traceRequests(tenant.graph.requests, result)
    const problems: string[] = result.error ? [`${mode}: ${result.error}`] : []
    let rows = 0
    for (const [logType, ids] of expected) {
      const files = result.files.filter(f => f.logType === logType)
      if (files.length !== 1) {
        problems.push(`${mode} ${logType}: ${files.length} CSV files, expected 1`)
        continue
      }
      const check = await checkCsv(files[0].path, ids, `${mode} ${logType}`)
      rows += check.rows
      problems.push(...check.problems)
    }
    await rm(outputDir, { recursive: true, force: true })
    const records = [...expected.values()].reduce((sum, ids) => sum + ids.size, 0)
    const minPages = [...expected.values()].reduce(
      (sum, ids) => sum + Math.max(1, Math.ceil(ids.size / scenario.run.pageSize)),
      0
    )
    const measured: Measured = {
      scenario,
      mode,
      records,
      rows,
      minPages,
      requests: tenant.graph.counters.requests,
      pages: tenant.graph.counters.pagesServed,
      recordsServed: tenant.graph.counters.recordsServed,
      throttled: tenant.graph.counters.throttled,
      seconds: result.durationMs / 1000,
      idealSeconds: scenario.paced
        ? minPages / (scenario.run.rateLimit / (THROTTLE.windowMs / 1000))
        : undefined,
      peakRssMb: result.peakRssMb,
      memory: result.memory,
      exact: problems.length === 0,
      problems
    }
    process.stderr.write(
      `  ${scenario.id} ${mode}: ${measured.seconds.toFixed(1)} s, ${measured.requests} requests, ` +
        `${measured.throttled} 429s, ${measured.peakRssMb.toFixed(0)} MB, ${measured.exact ? 'exact' : 'NOT EXACT'}\n`
    )
    return measured
  } finally {
    await tenant.stop()
  }
}

/**
 * BENCH_TRACE=1 prints each request to stderr while developing: start (s from the
 * first request), path, range queried or nextLink, records served, status.
 */
function traceRequests(
  requests: {
    at: number
    endedAt?: number
    path: string
    search: string
    status: number
    records?: number
  }[],
  result: ChildResult
): void {
  const first = requests[0]?.at ?? 0
  for (const r of requests) {
    const q = decodeURIComponent(r.search)
    const range = /\$skiptoken/i.test(q)
      ? 'next'
      : (/(ge|gt) (\S+?)(Z| )/.exec(q)?.[2] ?? '') +
        '..' +
        (/(le|lt) (\S+?)(Z|&| |$)/.exec(q)?.[2] ?? '')
    process.stderr.write(
      `    ${((r.at - first) / 1000).toFixed(2).padStart(6)} ${r.path.split('/').pop()} ` +
        `${range} ${r.records ?? '-'} ${r.status} ` +
        `${r.endedAt === undefined ? '' : ((r.endedAt - r.at) / 1000).toFixed(2)}\n`
    )
  }
  const lastEnd = Math.max(...requests.map(r => r.endedAt ?? r.at))
  const started = result.startedAtMs ?? first
  process.stderr.write(
    `    child duration ${(result.durationMs / 1000).toFixed(2)} s: first request ` +
      `${((first - started) / 1000).toFixed(2)} s after the start, last response ended ` +
      `${((started + result.durationMs - lastEnd) / 1000).toFixed(2)} s before the end\n`
  )
}

/** Row 6 once per latency seed of TAIL_SEEDS, ours only. */
async function tailSeedRuns(tail: Scenario, scratch: string): Promise<Measured[]> {
  const runs: Measured[] = []
  for (const seed of TAIL_SEEDS) {
    process.stderr.write(`${tail.title}, latency seed ${seed}\n`)
    runs.push(
      await measure(
        { ...tail, id: `heavy-tail-seed-${seed}`, graph: { ...tail.graph, latencySeed: seed } },
        'ours',
        scratch,
        'heavy-tail'
      )
    )
  }
  return runs
}

async function idleFloor(scratch: string): Promise<number> {
  const tenant = await startFakeTenant({ seed: SEED, now: NOW, graph: { throttle: false } })
  try {
    const result = await runChild({
      mode: 'idle',
      tenant: {
        tenantId: tenant.tenantId,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        authorityHost: tenant.authorityHost,
        graphEndpoint: tenant.graphEndpoint
      },
      run: { logTypes: [], window: WINDOW, outputDir: scratch, ...PACED_RUN },
      windowMs: THROTTLE.windowMs
    })
    return result.peakRssMb
  } finally {
    await tenant.stop()
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const only = process.argv.slice(2)
  const scenarios = SCENARIOS.filter(s => only.length === 0 || only.includes(s.id))
  const scratch = await mkdtemp(join(os.tmpdir(), 'entra-bench-'))
  const results: Measured[] = []
  try {
    await bundleChild(scratch)
    const floorMb = await idleFloor(scratch)
    const tailSeeds: Measured[] = []
    for (const scenario of scenarios) {
      process.stderr.write(`${scenario.title}\n`)
      results.push(await measure(scenario, 'ours', scratch))
      // BENCH_OURS_ONLY=1 skips the baselines while developing (the table then has no speed-up).
      if (!process.env.BENCH_OURS_ONLY) {
        results.push(await measure(scenario, scenario.baseline, scratch))
      }
      // Right after row 6, so the seeds run under the same conditions as the row they qualify.
      // (In a full run they take longer than in runs of the row alone: a median of 16.0 s
      // against 15.2 s, before the scale rows as after them; the cause is not known.)
      if (scenario.id === 'heavy-tail') tailSeeds.push(...(await tailSeedRuns(scenario, scratch)))
    }
    const ok = printReport(results, {
      tailSeeds,
      command: process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'tsx bench/run.ts',
      floorMb,
      totalSeconds: (performance.now() - started) / 1000,
      notes: [
        `Simulated Graph throttle ${THROTTLE.limit} requests / ${THROTTLE.windowMs / 1000} s per app ` +
          `(Graph's 5 / 10 s, ten times faster); ours: rate-limit ${PACED_RUN.rateLimit}, ` +
          `max-concurrency ${PACED_RUN.maxConcurrency}, page-size ${PACED_RUN.pageSize}; ` +
          `${PER_TYPE} records each of ${TWO_TYPES.join(' + ')} over 48 h.`,
        `The simulated throttle is a sliding window that admits a burst of ${THROTTLE.limit}, as ` +
          `Graph documents a count per window. Ours uses the same window with 250 ms to spare, ` +
          `and counts each start from when the request's headers left (Graph counts arrivals; ` +
          `the send comes 1 ms after the pacer's grant at the median here, up to 121 ms when ` +
          `the event loop is busy): no evenly spaced starts, so a slot left unused while ` +
          `every chain waits on a slow page is taken later in the window. On a run shorter than ` +
          `two windows this can beat pages / rate (ideal s), since the first window's burst is ` +
          `not repeated until it reopens.`,
        `Scale: ${SCALE_TYPE}, page-size ${SCALE_RUN.pageSize}, rate-limit ${SCALE_RUN.rateLimit}, ` +
          `no latency or throttle; the naive baseline runs with ${NAIVE_HEAP.join(' ')}.`,
        `Rows 5-7 (issue 18): ${FULL_PAGES.run.logTypes.join(' + ')}, 26,000 + 19,000 + 13,500 records ` +
          `over a week with half of each in one hour, page-size 1000 (59 full pages), rate-limit 50, ` +
          `max-concurrency 8. Latency 500 ms + 0.1 ms per record (600 ms a full page). Row 6 adds the ` +
          `tail model: each page, seeded, is 8× slower with probability ${HEAVY_TAIL[0].share} and 30× ` +
          `slower with probability ${HEAVY_TAIL[1].share} (mean page 2.3× the median). Row 7: 300 ms + ` +
          `0.1 ms per record + 20 ms per hour of the query's time range.`,
        ...(tailSeeds.length > 0
          ? [
              `Row 6 is one draw: the seeded dice decide which requests are slow in the order they ` +
                `arrive, so a change in how an export splits moves it by seconds. The same export ran ` +
                `again with latency seeds ${TAIL_SEEDS.join(', ')} (ours only); their median is under ` +
                `Goals (BENCH_TAIL_SEEDS=1,2,... chooses the seeds, empty skips them).`
            ]
          : [])
      ]
    })
    if (!ok) process.exitCode = 1
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
