import type { IdSet } from '../records/id-set.js'
import { recordTimeMs } from '../graph/query.js'
import type { GraphRecord } from '../records/graph-record.js'
import { contains, type Range } from '../ranges.js'
import { readRecords } from './record-file.js'
import type { RenderedRow } from './record-sink.js'
import { parseRowLine } from './render-ahead.js'

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
  /** Writes a row rendered ahead (RecordSink.writeRendered); rows files are read only with it. */
  writeRendered?(row: RenderedRow, json: string): Promise<void>
  /** Whether writeRendered needs the record's JSON line (the sink writes JSONL). */
  readonly writesJson?: boolean
}

/** A chain's temp file, and its records rendered ahead into rows when they were (render-ahead.ts). */
export interface ChainFile {
  path: string
  rows?: string
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
  files: ChainFile[],
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
  /** One record, by whichever file it comes from: what to keep it by, and how to write and observe it. */
  const mergeOne = async (
    id: string | undefined,
    t: number,
    write: () => Promise<void>,
    observed: () => GraphRecord
  ): Promise<void> => {
    if (onlyRanges && timeField && !contains(onlyRanges, t)) return
    if (id !== undefined && !ids.add(id)) {
      result.duplicates++
      return
    }
    // Ids in the trailing overlap are remembered whichever run exported them: a
    // run closer to this one than the overlap must not export them again.
    const remember = id !== undefined && rememberFromMs !== undefined && t >= rememberFromMs
    if (id !== undefined && alreadyExported?.has(id)) {
      result.previouslyExported++
      if (remember) result.rememberedIds.push(id)
      return
    }
    if (timeField && previousEndMs !== undefined && t < previousEndMs) {
      if (!options.lateExcept || !contains(options.lateExcept, t)) result.lateRecords++
    }
    if (remember) result.rememberedIds.push(id)
    await write()
    options.observe(observed())
    result.rows++
  }
  for (const file of files) {
    const writeRendered = writer.writeRendered?.bind(writer)
    if (file.rows !== undefined && writeRendered) {
      // Line n of the rows file is line n of the chain file (the JSONL line, as received),
      // read alongside only when the writer writes JSONL.
      const records = writer.writesJson ? new LineQueue(file.path) : undefined
      for await (const rowLines of readRecords(file.rows)) {
        for (const rowLine of rowLines) {
          const [id, t, row, observed] = parseRowLine(rowLine)
          const line = records ? await records.next(file.rows) : ''
          await mergeOne(
            id ?? undefined,
            t ?? Number.NaN,
            () => writeRendered(row, line),
            () => (observed === 0 ? {} : observed)
          )
        }
      }
      await records?.end(file.rows)
      continue
    }
    for await (const lines of readRecords(file.path)) {
      for (const line of lines) {
        const record = JSON.parse(line) as GraphRecord
        const id = typeof record.id === 'string' ? record.id : undefined
        const t = timeField ? recordTimeMs(record, timeField) : Number.NaN
        await mergeOne(
          id,
          t,
          () => writer.write(record, line),
          () => record
        )
      }
    }
  }
  return result
}

/** A file's lines one at a time, a read's worth at once (no await per line while they last). */
class LineQueue {
  private readonly chunks: AsyncGenerator<string[]>
  private lines: string[] = []
  private index = 0

  constructor(path: string) {
    this.chunks = readRecords(path)
  }

  /** The next line; `rows` names the rows file that has more lines than this file. */
  async next(rows: string): Promise<string> {
    while (this.index >= this.lines.length) {
      const chunk = await this.chunks.next()
      if (chunk.done) throw new Error(`${rows}: more rows than records`)
      this.lines = chunk.value
      this.index = 0
    }
    return this.lines[this.index++]
  }

  /** Every line was taken. */
  async end(rows: string): Promise<void> {
    if (this.index < this.lines.length || !(await this.chunks.next()).done) {
      await this.chunks.return(undefined)
      throw new Error(`${rows}: fewer rows than records`)
    }
  }
}
