import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Pacer } from '../graph/pacer.js'
import { newCounters, type FetchCounters } from '../graph/fetch-context.js'
import type { LogTypeSpec } from '../log-types.js'
import { normalise, subtract, type Range } from '../ranges.js'
import type { Settings, TimeWindow } from '../settings.js'
import type { LogTypePlan } from '../state/continuity.js'
import { Chain } from './chain.js'
import { initialSlices } from './initial-slices.js'
import type { MergeAhead } from './merge-ahead.js'
import type { RenderAhead } from './render-ahead.js'
import type { RecordSink } from './record-sink.js'
import type { IdSet } from '../records/id-set.js'
import type { Job } from './scheduler.js'
import type { ExportBoundary, ExportTuning } from './types.js'

export interface ExportJob extends Job {
  spec: LogTypeSpec
  /** The hull of what this log type reads (records outside it are never kept). */
  range?: { startMs: number; endMs: number }
  /** What it reads: its window, plus ranges an earlier run left missing. */
  targets?: Range[]
  plan?: LogTypePlan
  chains: Chain[]
  counters: FetchCounters
  startedAt: number
  /** The latest retention edge Graph named for this log type. */
  retentionEdgeMs?: number
  /** Chain files merged into the sink while other chains read (see merge-ahead.ts). */
  ahead?: MergeAhead<RecordSink>
  /** Renders chains' records into rows as they are read (see render-ahead.ts). */
  rendering?: RenderAhead
  /** Called after each page a chain of this job wrote. */
  onChainProgress?(chain: Chain): void
  /** The id set merge-ahead deduplicates with; the final pass goes on with it. */
  aheadIds?: IdSet
}

/** What a log type's chains ask Graph: the window, endpoint, extra filter, page size and cloud. */
export type JobQuery = Pick<Settings, 'window' | 'graphEndpoint' | 'filter' | 'pageSize' | 'cloud'>

export async function createJob(
  spec: LogTypeSpec,
  query: JobQuery,
  boundary: Pick<ExportBoundary, 'transport' | 'clock' | 'logger' | 'random'>,
  tuning: Pick<ExportTuning, 'minSplitMs' | 'retryPolicy'>,
  pacer: Pacer,
  tmp: string,
  plan: LogTypePlan | undefined,
  slicesPerJob: number
): Promise<ExportJob> {
  const dir = join(tmp, spec.name)
  await mkdir(dir)
  const counters = newCounters()
  const own = spec.timeField ? (plan?.window ?? query.window) : undefined
  // Ranges an earlier (stopped) run could not read are read again, each as a slice of its own.
  const pending = own ? subtract(plan?.pending ?? [], [rangeOf(own)]) : []
  const targets = own ? normalise([rangeOf(own), ...pending]) : undefined
  const window: TimeWindow | undefined =
    own && targets
      ? {
          start: new Date(Math.min(...targets.map(r => r.startMs))),
          end: new Date(Math.max(...targets.map(r => r.endMs)))
        }
      : undefined
  const job: ExportJob = {
    name: spec.name,
    spec,
    plan,
    chains: [],
    counters,
    startedAt: boundary.clock.now(),
    abort: new AbortController(),
    range: window ? { startMs: window.start.getTime(), endMs: window.end.getTime() } : undefined,
    targets,
    ranges: own
      ? [
          ...initialSlices(own, slicesPerJob, tuning.minSplitMs),
          ...pending.sort((a, b) => b.startMs - a.startMs)
        ]
      : undefined,
    createChain(range, onProgress, onTimeout) {
      const chain = new Chain(
        {
          spec,
          graphEndpoint: query.graphEndpoint,
          extraFilter: query.filter,
          pageSize: query.pageSize,
          window,
          logger: boundary.logger,
          onProgress: () => {
            onProgress()
            job.onChainProgress?.(chain)
          },
          onTimeout,
          averageDensity: () => averageDensity(job.chains),
          onRetentionEdge: edgeMs => {
            job.retentionEdgeMs = Math.max(job.retentionEdgeMs ?? edgeMs, edgeMs)
          },
          fetch: {
            transport: boundary.transport,
            pacer,
            clock: boundary.clock,
            policy: tuning.retryPolicy,
            logger: boundary.logger,
            spec,
            cloud: query.cloud,
            counters,
            random: boundary.random
          }
        },
        range?.startMs ?? 0,
        range?.endMs ?? 0,
        join(dir, `chain-${job.chains.length + 1}.jsonl`)
      )
      job.chains.push(chain)
      return chain
    }
  }
  return job
}

/** Records kept per ms of time covered, over all of a log type's chains so far. */
function averageDensity(chains: readonly Chain[]): number {
  let kept = 0
  let covered = 0
  for (const chain of chains) {
    kept += chain.kept
    covered += chain.coveredMs()
  }
  return covered > 0 ? kept / covered : 0
}

function rangeOf(window: TimeWindow): Range {
  return { startMs: window.start.getTime(), endMs: window.end.getTime() }
}
