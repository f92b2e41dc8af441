/**
 * One CSV file (one part of a split export): RFC 4180 quoting by csv-stringify,
 * header always written, optional UTF-8 BOM.
 *
 * Line ending is CRLF, as RFC 4180 section 2 specifies; Excel, csv-parse,
 * pandas and Python's csv module all read it, and embedded LF in values stays
 * distinguishable from record ends.
 */
import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import { pipeToHashedFile, type FileDigest } from './file-hash.js'

export const CSV_RECORD_DELIMITER = '\r\n'

export class CsvFile {
  /** Data rows written (the header is not counted). */
  rows = 0
  private readonly stringifier: Stringifier
  private readonly done: Promise<FileDigest>

  constructor(path: string, header: readonly string[], bom: boolean) {
    this.stringifier = stringify({
      // csv-stringify writes the header (and BOM) before the first row, or at
      // end() when there were no rows, so an empty export still has a header.
      header: true,
      columns: [...header],
      bom,
      record_delimiter: CSV_RECORD_DELIMITER
    })
    // Rows leave as strings; otherwise each row becomes a small Buffer of its own.
    this.stringifier.setEncoding('utf8')
    this.done = pipeToHashedFile(this.stringifier, path)
  }

  /** Cells must already be text (see cell.ts); rows are arrays matched to the header by index. */
  async writeRow(cells: string[]): Promise<void> {
    // After a disk error the stream is destroyed and 'drain' never comes: surface the error instead.
    if (this.stringifier.destroyed) await this.done
    this.rows++
    if (!this.stringifier.write(cells)) {
      await Promise.race([once(this.stringifier, 'drain'), this.done])
    }
  }

  async close(): Promise<FileDigest & { rows: number }> {
    this.stringifier.end()
    return { ...(await this.done), rows: this.rows }
  }
}
