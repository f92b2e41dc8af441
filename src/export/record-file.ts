import type { WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { ByteArena } from '../graph/page-body.js'

/**
 * A chain's temp file: JSON Lines, each line one record as Graph sent it (the
 * bytes, not a re-serialisation: no CPU or garbage spent on the hot path, and the
 * JSONL output can carry it unchanged). Graph sends compact JSON; a record that
 * spans lines anyway is compacted so one line stays one record.
 *
 * `records` are in page order, in `arena` (each followed by a newline there).
 * Resolves once the bytes are written: the arena is refilled by the next page.
 */
export async function writeRecords(
  out: WriteStream,
  arena: ByteArena,
  records: readonly RecordBounds[]
): Promise<void> {
  if (records.length === 0) return
  const segments: Buffer[] = []
  // Runs of records kept back to back go out as one slice of the arena.
  let runStart = -1
  let runEnd = -1
  const flush = (): void => {
    if (runStart >= 0) segments.push(arena.buffer.subarray(runStart, runEnd))
    runStart = -1
  }
  for (const record of records) {
    if (record.multiline) {
      flush()
      segments.push(
        Buffer.from(compact(arena.buffer.toString('utf8', record.start, record.end)) + '\n', 'utf8')
      )
    } else if (runStart >= 0 && record.start === runEnd) {
      runEnd = record.end + 1
    } else {
      flush()
      runStart = record.start
      runEnd = record.end + 1
    }
  }
  flush()
  const data = segments.length === 1 ? segments[0] : Buffer.concat(segments)
  await new Promise<void>((resolve, reject) =>
    out.write(data, error => (error ? reject(error) : resolve()))
  )
}

export interface RecordBounds {
  start: number
  end: number
  multiline: boolean
}

const LF = 0x0a
const CHUNK = 1 << 20

/**
 * Read the records back in the order they were written, a read's worth of lines
 * at a time. One read buffer serves the whole file: lines are decoded to strings
 * before it is refilled, so reading costs no new memory per chunk.
 */
export async function* readRecords(path: string): AsyncGenerator<string[]> {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(CHUNK)
    // The start of a line that a read cut in two (copied: the buffer is reused).
    let carry: Buffer[] = []
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK, null)
      if (bytesRead === 0) break
      const bytes = buffer.subarray(0, bytesRead)
      const lines: string[] = []
      let start = 0
      for (let newline = bytes.indexOf(LF); newline >= 0; newline = bytes.indexOf(LF, start)) {
        const piece = bytes.subarray(start, newline)
        lines.push(
          carry.length > 0
            ? Buffer.concat([...carry, piece]).toString('utf8')
            : piece.toString('utf8')
        )
        carry = []
        start = newline + 1
      }
      if (start < bytes.length) carry.push(Buffer.from(bytes.subarray(start)))
      if (lines.length > 0) yield lines
    }
    if (carry.length > 0) throw new Error(`${path}: the last record is cut short`)
  } finally {
    await file.close()
  }
}

/**
 * One line for a record that spans several. JSON strings cannot hold raw line
 * breaks, so every one is whitespace between tokens; JSON.stringify's compact
 * form is used when it can be had (it recurses, and throws on records nested
 * thousands deep).
 */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text))
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return text.replace(/[\r\n]+/g, ' ')
  }
}
