/**
 * One CSV file (one part of a split export): RFC 4180 quoting by csv-stringify,
 * header always written, optional UTF-8 BOM.
 *
 * Line ending is CRLF, as RFC 4180 section 2 specifies; Excel, csv-parse,
 * pandas and Python's csv module all read it, and embedded LF in values stays
 * distinguishable from record ends.
 *
 * Rows are turned into text by csv-stringify's synchronous API, one row at a
 * time (csvRowText), and gathered into chunks before they enter the file's
 * stream. A row can so be made ahead of time, elsewhere, and written later as
 * text (export renders rows while other chains still read: RecordSink.render),
 * with exactly the bytes writeRow would have written. The streaming API cost
 * 10-12 µs a row in its stream machinery; the synchronous one 5-7 µs.
 */
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import { createHashedFile, type FileDigest } from './file-hash.js'

export const CSV_RECORD_DELIMITER = '\r\n'

/** csv-stringify's defaults otherwise: `"` quotes, `""` escapes, quoting only where needed. */
const OPTIONS = { record_delimiter: CSV_RECORD_DELIMITER } as const

/** The CSV text of one row, delimiter included. Cells must already be text (see cell.ts). */
export function csvRowText(cells: readonly string[]): string {
  return stringify([cells as string[]], OPTIONS)
}

/** Text is gathered into chunks of about this size before entering the stream. */
const CHUNK_CHARS = 64 * 1024

export class CsvFile {
  /** Data rows written (the header is not counted). */
  rows = 0
  private pending: string
  private readonly input: Writable
  private readonly done: Promise<FileDigest>

  constructor(path: string, header: readonly string[], bom: boolean) {
    const { sink, done } = createHashedFile(path)
    this.input = sink
    this.done = done
    // As csv-stringify's own `bom` and `header` options write them: the BOM, then the header row.
    this.pending = (bom ? '\ufeff' : '') + csvRowText(header)
  }

  /** Cells must already be text (see cell.ts); rows are arrays matched to the header by index. */
  async writeRow(cells: readonly string[]): Promise<void> {
    await this.writeRowText(csvRowText(cells))
  }

  /** One row made by csvRowText (with this file's header's columns), written as it is. */
  async writeRowText(text: string): Promise<void> {
    this.rows++
    this.pending += text
    if (this.pending.length >= CHUNK_CHARS) await this.flush()
  }

  async close(): Promise<FileDigest & { rows: number }> {
    if (this.pending.length > 0) await this.flush()
    this.input.end()
    return { ...(await this.done), rows: this.rows }
  }

  private async flush(): Promise<void> {
    const chunk = this.pending
    this.pending = ''
    // After a disk error the stream is destroyed and 'drain' never comes: surface the error instead.
    if (this.input.destroyed) await this.done
    if (!this.input.write(chunk)) await Promise.race([once(this.input, 'drain'), this.done])
  }
}
