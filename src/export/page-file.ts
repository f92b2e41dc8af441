import { once } from 'node:events'
import type { WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'

/**
 * A chain's temp file: each page exactly as Graph sent it, behind a one-line
 * header saying its length and which of its records the chain kept. Storing
 * the body as received costs one write per page; re-serialising every record
 * would cost CPU and garbage on the hot path.
 *
 *   {"bytes":123456,"keep":[0,1,5]}\n<body>\n      (keep null = every record)
 */
export interface StoredPage {
  body: string
  keep: number[] | null
}

export async function writePage(
  out: WriteStream,
  body: string,
  keep: number[] | null
): Promise<void> {
  const bytes = Buffer.from(body, 'utf8')
  out.write(JSON.stringify({ bytes: bytes.length, keep }) + '\n')
  out.write(bytes)
  if (!out.write('\n')) await once(out, 'drain')
}

const CHUNK = 1 << 20

/** Read the pages back in the order they were written. */
export async function* readPages(path: string): AsyncGenerator<StoredPage> {
  const file = await open(path, 'r')
  try {
    let buffer = Buffer.alloc(0)
    let position = 0
    let ended = false
    const fill = async (needed: number): Promise<boolean> => {
      while (buffer.length < needed && !ended) {
        const chunk = Buffer.allocUnsafe(Math.max(CHUNK, needed - buffer.length))
        const { bytesRead } = await file.read(chunk, 0, chunk.length, position)
        if (bytesRead === 0) ended = true
        position += bytesRead
        buffer = Buffer.concat([buffer, chunk.subarray(0, bytesRead)])
      }
      return buffer.length >= needed
    }
    for (;;) {
      let newline = buffer.indexOf(0x0a)
      while (newline < 0 && !ended) {
        await fill(buffer.length + 1)
        newline = buffer.indexOf(0x0a)
      }
      if (newline < 0) {
        if (buffer.length > 0) throw new Error(`${path}: truncated page header`)
        return
      }
      const header = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as {
        bytes: number
        keep: number[] | null
      }
      const end = newline + 1 + header.bytes
      if (!(await fill(end + 1))) throw new Error(`${path}: truncated page body`)
      const body = buffer.subarray(newline + 1, end).toString('utf8')
      buffer = buffer.subarray(end + 1)
      yield { body, keep: header.keep }
    }
  } finally {
    await file.close()
  }
}
