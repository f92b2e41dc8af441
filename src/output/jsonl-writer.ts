/**
 * JSON Lines: one record per line (the text Graph sent, or JSON.stringify), LF-terminated, records kept
 * whole (no truncation, no flattening), so nothing the CSV cut is lost.
 */
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { createHashedFile, type FileDigest } from './file-hash.js'

/**
 * Lines are gathered into chunks of about this size before entering the
 * stream: a million one-line writes cost far more in stream bookkeeping than
 * the JSON itself. Memory stays bounded by this plus the stream buffer.
 */
const CHUNK_CHARS = 64 * 1024

export class JsonlFile {
  rows = 0
  private pending = ''
  private readonly input: Writable
  private readonly done: Promise<FileDigest>

  constructor(path: string) {
    const { sink, done } = createHashedFile(path)
    this.input = sink
    this.done = done
  }

  /** One record's JSON, which must be a single line. */
  async writeLine(json: string): Promise<void> {
    this.pending += json + '\n'
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
