import { IdSet } from '../records/id-set.js'
import type { RecordSink } from './record-sink.js'
import type { Range } from '../ranges.js'
import type { ExportJob } from './create-job.js'
import { mergeChainFiles } from './merge.js'
import type { ExportBoundary } from './types.js'

/** Merge the chains' temp files into the writer; on any failure the writer's files end up as `.incomplete`. */
export async function writeMerged(
  job: ExportJob,
  writer: RecordSink,
  observe: ExportBoundary['observe'],
  completeRanges: Range[] | undefined,
  complete: boolean
): Promise<{
  merged: Awaited<ReturnType<typeof mergeChainFiles>>
  written: Awaited<ReturnType<RecordSink['close']>>
}> {
  const { spec, plan } = job
  try {
    // Newest range first: the files read newest to oldest, like Graph itself.
    const ordered = [...job.chains].sort((a, b) => b.startMs - a.startMs)
    const merged = await mergeChainFiles(
      ordered.map(chain => chain.tmpPath),
      new IdSet(),
      writer,
      {
        timeField: spec.timeField,
        alreadyExported: plan?.alreadyExported,
        previousEndMs: plan?.previousEnd?.getTime(),
        rememberFromMs: plan?.rememberFrom,
        onlyRanges: complete ? undefined : completeRanges,
        lateExcept: plan?.pending,
        observe: record => observe?.(spec.name, record)
      }
    )
    return { merged, written: await writer.close() }
  } catch (error) {
    // Every writer is closed on error, its partial files renamed `.incomplete`.
    await writer.abort().catch(() => undefined)
    throw error
  }
}
