import { IdSet } from '../records/id-set.js'
import type { Range } from '../ranges.js'
import type { LogTypeSpec } from '../log-types.js'
import type { LogTypePlan } from '../state/continuity.js'
import type { ExportJob } from './create-job.js'
import type { Chain } from './chain.js'
import { mergeChainFiles, type ChainFile, type MergeOptions, type MergeResult } from './merge.js'
import { RenderAhead } from './render-ahead.js'
import { MergeAhead, newestRangeFirst, sumCounts } from './merge-ahead.js'
import type { RecordSink } from './record-sink.js'
import type { ExportBoundary } from './types.js'

/** Opens the log type's sink under a base name (its own name, or `<name>.incomplete`). */
export type OpenJobSink = (baseName: string) => Promise<RecordSink>

/**
 * The biggest log type (records read plus expected) that is merged ahead.
 * Merge-ahead pays on short exports, whose end it shortens by the last log
 * type's writing (0.6 s of a 14 s run); a long export's final merge is a small
 * share of its time, and merging while chains still read costs memory on top
 * of theirs: at a million records, peak RSS rose from 186-188 MB to 213-222 MB
 * merging everything ahead, and to 198-200 MB stopping at 50,000 ids. So a log
 * type expected to outgrow this is merged at the end only, as before.
 */
export const MERGE_AHEAD_MAX_RECORDS = 50_000

/**
 * Starts merging a time-windowed log type's chain files while its other chains
 * still read (merge-ahead.ts). The sink is opened under the complete name: a
 * log type that ends incomplete discards it and is merged again at the end.
 */
export function startMergeAhead(
  job: ExportJob,
  open: OpenJobSink,
  observe: ExportBoundary['observe'],
  observedPart?: ExportBoundary['observedPart']
): void {
  const { spec } = job
  if (!spec.timeField) return
  const ids = new IdSet()
  const going = (): boolean => job.error === undefined && !job.abort.signal.aborted
  const hasRoom = (): boolean => expectedRecords(job) <= MERGE_AHEAD_MAX_RECORDS
  const ahead = new MergeAhead(
    () => job.chains,
    () => open(spec.name),
    async (chains, writer) =>
      mergeChainFiles(
        await chainFiles(job, chains),
        ids,
        writer,
        mergeOptions(spec, job.plan, observe, undefined)
      ),
    going,
    hasRoom
  )
  job.ahead = ahead
  job.aheadIds = ids
  // Findings observe records in merge order: a row rendered ahead keeps the part they read.
  if (!observe || observedPart) {
    job.rendering = new RenderAhead({
      render: async () => {
        const writer = await ahead.opened()
        return writer.render && writer.writeRendered ? writer.render.bind(writer) : undefined
      },
      observedPart: observe && observedPart ? record => observedPart(spec.name, record) : undefined,
      timeField: spec.timeField,
      // Like merge-ahead, for log types small enough to merge ahead: rows files are
      // written and read on top of the merge, which a long export would only pay for.
      going: () => going() && hasRoom()
    })
  }
  job.onChainProgress = chain => job.rendering?.progress(chain)
  job.onChainDone = chain => {
    job.rendering?.finish(chain)
    ahead.advance()
  }
}

/** The chains' files, each with its rows file once rendered (waiting for rendering under way). */
async function chainFiles(job: ExportJob, chains: Chain[]): Promise<ChainFile[]> {
  return Promise.all(
    chains.map(async chain => ({
      path: chain.tmpPath,
      rows: await job.rendering?.rowsOf(chain)
    }))
  )
}

/**
 * Merge the chains' temp files into the sink; on any failure the sink's files end up as `.incomplete`.
 * A complete log type goes on from what merge-ahead wrote while it was read; otherwise every file is
 * merged here, and records merge-ahead observed already are not observed again.
 */
export async function writeMerged(
  job: ExportJob,
  open: OpenJobSink,
  observe: ExportBoundary['observe'],
  completeRanges: Range[] | undefined,
  complete: boolean
): Promise<{
  merged: MergeResult
  written: Awaited<ReturnType<RecordSink['close']>>
}> {
  const { spec } = job
  // Newest range first: the files read newest to oldest, like Graph itself.
  const ordered = [...job.chains].sort(newestRangeFirst)
  const ahead = complete ? await job.ahead?.take() : undefined
  const observed = ahead ? [] : ((await job.ahead?.discard()) ?? [])
  // A partial export must never pass for a complete one.
  const writer = ahead?.writer ?? (await open(complete ? spec.name : `${spec.name}.incomplete`))
  try {
    let merged: MergeResult = ahead?.counts ?? emptyMerge()
    const ids = ahead ? (job.aheadIds as IdSet) : new IdSet()
    const onlyRanges = complete ? undefined : completeRanges
    for (const chain of ordered.filter(c => !ahead?.chains.includes(c))) {
      const options = mergeOptions(
        spec,
        job.plan,
        observed.includes(chain) ? undefined : observe,
        onlyRanges
      )
      merged = sumCounts(
        merged,
        await mergeChainFiles(await chainFiles(job, [chain]), ids, writer, options)
      )
    }
    return { merged, written: await writer.close() }
  } catch (error) {
    // Every writer is closed on error, its partial files renamed `.incomplete`.
    await writer.abort().catch(() => undefined)
    throw error
  }
}

/** Records a log type's chains have kept, plus what they expect to keep still. */
function expectedRecords(job: ExportJob): number {
  return job.chains.reduce((sum, chain) => sum + chain.kept + chain.remainingEstimate(), 0)
}

function mergeOptions(
  spec: LogTypeSpec,
  plan: LogTypePlan | undefined,
  observe: ExportBoundary['observe'],
  onlyRanges: Range[] | undefined
): MergeOptions {
  return {
    timeField: spec.timeField,
    alreadyExported: plan?.alreadyExported,
    previousEndMs: plan?.previousEnd?.getTime(),
    rememberFromMs: plan?.rememberFrom,
    onlyRanges,
    lateExcept: plan?.pending,
    observe: record => observe?.(spec.name, record)
  }
}

function emptyMerge(): MergeResult {
  return { rows: 0, duplicates: 0, previouslyExported: 0, lateRecords: 0, rememberedIds: [] }
}
