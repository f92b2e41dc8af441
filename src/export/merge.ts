import type { IdSet } from '../records/id-set.js'
import { recordTimeMs } from '../graph/query.js'
import type { GraphRecord } from '../records/graph-record.js'
import { contains, type Range } from '../ranges.js'
import { readRecords } from './record-file.js'

export interface MergeOptions {
  /** Time field of the log type (undefined: not windowed). */
  timeField?: string
  /** Ids an earlier run already exported (incremental overlap): dropped here. */
  alreadyExported?: IdSet
  /** The earlier run's end: a new id before it is a late arrival. */
  previousEndMs?: number
  /** Remember ids of records at or after this time, for the next run's overlap. */
  rememberFromMs?: number
  /** Keep only records in these ranges (a stopped log type delivers exactly its complete ranges). */
  onlyRanges?: Range[]
  /** Ranges an earlier run left missing: a record there is no late arrival. */
  lateExcept?: Range[]
  observe(record: GraphRecord): void
}

/** Where merged records go: merge needs only to write them (output's RecordWriter does). */
export interface MergeTarget {
  write(record: GraphRecord, json?: string): Promise<void>
}

export interface MergeResult {
  rows: number
  duplicates: number
  previouslyExported: number
  lateRecords: number
  rememberedIds: string[]
}

/**
 * Stream the chains' temp files, newest range first, into the log type's
 * writer, dropping ids seen before. Doing the deduplication here, in one pass in
 * a fixed order, makes the output independent of which concurrent chain
 * happened to finish first.
 */
export async function mergeChainFiles(
  paths: string[],
  ids: IdSet,
  writer: MergeTarget,
  options: MergeOptions
): Promise<MergeResult> {
  const result: MergeResult = {
    rows: 0,
    duplicates: 0,
    previouslyExported: 0,
    lateRecords: 0,
    rememberedIds: []
  }
  const { timeField, alreadyExported, previousEndMs, rememberFromMs, onlyRanges } = options
  for (const path of paths) {
    for await (const lines of readRecords(path)) {
      for (const line of lines) {
        const record = JSON.parse(line) as GraphRecord
        const id = typeof record.id === 'string' ? record.id : undefined
        const t = timeField ? recordTimeMs(record, timeField) : Number.NaN
        if (onlyRanges && timeField && !contains(onlyRanges, t)) continue
        if (id !== undefined && !ids.add(id)) {
          result.duplicates++
          continue
        }
        // Ids in the trailing overlap are remembered whichever run exported them: a
        // run closer to this one than the overlap must not export them again.
        const remember = id !== undefined && rememberFromMs !== undefined && t >= rememberFromMs
        if (id !== undefined && alreadyExported?.has(id)) {
          result.previouslyExported++
          if (remember) result.rememberedIds.push(id)
          continue
        }
        if (timeField && previousEndMs !== undefined && t < previousEndMs) {
          if (!options.lateExcept || !contains(options.lateExcept, t)) result.lateRecords++
        }
        if (remember) result.rememberedIds.push(id)
        await writer.write(record, line)
        options.observe(record)
        result.rows++
      }
    }
  }
  return result
}
