import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { IdSet } from '../graph/id-set.js'
import type { GraphRecord } from '../output/columns.js'
import type { RecordWriter } from '../output/record-writer.js'

export interface MergeResult {
  rows: number
  duplicates: number
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
  writer: RecordWriter,
  observe: (record: GraphRecord) => void
): Promise<MergeResult> {
  let rows = 0
  let duplicates = 0
  for (const path of paths) {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
    for await (const line of lines) {
      if (line === '') continue
      const record = JSON.parse(line) as GraphRecord
      if (typeof record.id === 'string' && !ids.add(record.id)) {
        duplicates++
        continue
      }
      await writer.write(record)
      observe(record)
      rows++
    }
  }
  return { rows, duplicates }
}
