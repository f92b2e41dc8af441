/**
 * JSON Lines: one JSON.stringify(record) per line, LF-terminated, records kept
 * whole (no truncation, no flattening), so nothing the CSV cut is lost.
 */
import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import { pipeToHashedFile, type FileDigest } from './file-hash.js'

/**
 * Lines are gathered into chunks of about this size before entering the
 * stream: a million one-line writes cost far more in stream bookkeeping than
 * the JSON itself. Memory stays bounded by this plus the stream buffer.
 */
const CHUNK_CHARS = 64 * 1024

export class JsonlFile {
  rows = 0
  private pending = ''
  private readonly input = new PassThrough()
  private readonly done: Promise<FileDigest>

  constructor(path: string) {
    this.done = pipeToHashedFile(this.input, path)
  }

  async writeRecord(record: unknown): Promise<void> {
    this.pending += JSON.stringify(record) + '\n'
    this.rows++
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
