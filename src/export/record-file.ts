import type { WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Page } from '../graph/page-reader.js'

/**
 * A chain's temp file: JSON Lines, each line one record as Graph sent it (see
 * Page.writeLines). Appends the records of `page` at `indexes` and resolves once
 * they are written: the page's bytes are the reader's reused memory, and its
 * next read waits for this.
 */
export async function appendRecords(
  out: WriteStream,
  page: Page,
  indexes: readonly number[]
): Promise<void> {
  await page.writeLines(
    indexes,
    bytes =>
      new Promise<void>((resolve, reject) =>
        out.write(bytes, error => (error ? reject(error) : resolve()))
      )
  )
}

const LF = 0x0a
const CHUNK = 1 << 18

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
