/**
 * Runs one export, and nothing else, in its own process so its peak RSS is the
 * exporter's alone (the simulated tenant lives in the parent). The job comes as
 * JSON in BENCH_JOB; the result is one JSON line on stdout.
 *   mode ours:       runExport, as main.ts wires it (createCredential + createGraphTransport)
 *   mode sequential: baseline.ts sequentialExport (Graph SDK, one chain at a time)
 *   mode naive:      baseline.ts naiveExport (everything in memory, CSV at the end)
 *   mode idle:       signs in and exits: the floor every child's RSS includes
 */
import { createCredential } from '../src/auth/credential.js'
import { graphScope } from '../src/clouds.js'
import { errorMessage } from '../src/errors.js'
import { DEFAULT_TUNING, runExport } from '../src/export/run-export.js'
import { systemClock } from '../src/graph/clock.js'
import { createGraphTransport } from '../src/graph/graph-transport.js'
import type { PacerStats } from '../src/graph/pacer.js'
import type { Logger } from '../src/logger.js'
import { recordSinksFor } from '../src/output/record-writer.js'
import type { LogTypeName } from '../src/settings.js'
import { naiveExport, sequentialExport } from './baseline.js'
import { benchSettings, type BenchRun, type TenantAccess } from './settings.js'

export type ChildMode = 'ours' | 'sequential' | 'naive' | 'idle'

export interface ChildJob {
  mode: ChildMode
  tenant: TenantAccess
  run: BenchRun
  /** The throttle window the simulated tenant counts in (Graph: 10 s). */
  windowMs: number
}

export interface ChildResult {
  ok: boolean
  error?: string
  /** Export only: signing in is done before the clock starts. */
  durationMs: number
  /** Date.now() when the export's clock started (for BENCH_TRACE). */
  startedAtMs?: number
  /** process.resourceUsage().maxRSS, in MiB. */
  peakRssMb: number
  files: { logType: LogTypeName; path: string; rows: number }[]
  pacer?: PacerStats
  /** Peaks of process.memoryUsage() sampled every 20 ms, in MiB: where the RSS goes. */
  memory: Record<'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number>
}

const memory: ChildResult['memory'] = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }
function sampleMemory(): void {
  const usage = process.memoryUsage()
  for (const key of Object.keys(memory) as (keyof typeof memory)[]) {
    memory[key] = Math.max(memory[key], usage[key] / 2 ** 20)
  }
}

const warnings: string[] = []
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warning: message => warnings.push(message)
}

async function main(job: ChildJob): Promise<ChildResult> {
  const settings = benchSettings(job.tenant, job.run)
  const credential = createCredential(settings, {
    getIDToken: () => Promise.reject(new Error('OIDC is not used by the benchmark')),
    mask: () => {},
    logger
  })
  const scope = graphScope(settings.graphEndpoint)
  // As main.ts does: one token before the export, so the timing is the export's.
  await credential.getToken(scope)
  const sampler = setInterval(sampleMemory, 20)
  const started = performance.now()
  const startedAtMs = Date.now()
  let files: ChildResult['files'] = []
  let pacer: PacerStats | undefined
  let error: string | undefined
  switch (job.mode) {
    case 'ours': {
      const transport = createGraphTransport({
        credential,
        graphEndpoint: settings.graphEndpoint,
        scope
      })
      const result = await runExport(
        settings,
        { transport, openSink: recordSinksFor(settings), clock: systemClock, logger },
        { ...DEFAULT_TUNING, windowMs: job.windowMs }
      )
      pacer = result.pacer
      const failed = result.logTypes.filter(t => t.status !== 'ok')
      if (failed.length > 0) error = failed.map(t => `${t.logType}: ${t.error}`).join('; ')
      files = result.logTypes.flatMap(t =>
        t.files
          .filter(f => f.format === 'csv')
          .map(f => ({ logType: t.logType, path: f.path, rows: f.rows }))
      )
      break
    }
    case 'sequential':
      files = await sequentialExport(settings, credential)
      break
    case 'naive':
      files = await naiveExport(settings, credential)
      break
    case 'idle':
      break
  }
  const durationMs = performance.now() - started
  clearInterval(sampler)
  sampleMemory()
  return {
    ok: error === undefined,
    error,
    durationMs,
    startedAtMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    files,
    pacer,
    memory
  }
}

const job = JSON.parse(process.env.BENCH_JOB ?? '') as ChildJob
main(job).then(
  result => {
    if (warnings.length > 0) process.stderr.write(warnings.join('\n') + '\n')
    process.stdout.write(JSON.stringify(result) + '\n')
  },
  (error: unknown) => {
    const result: ChildResult = {
      ok: false,
      error: errorMessage(error),
      durationMs: 0,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      files: [],
      memory
    }
    process.stdout.write(JSON.stringify(result) + '\n')
    process.exitCode = 1
  }
)
