/**
 * Hashes and counts bytes on their way to disk, so the manifest's sha256 and
 * size describe exactly what was written without reading the file back.
 */
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { createExclusive } from './exclusive-open.js'
import { withPath } from '../write-errors.js'

export interface FileDigest {
  path: string
  bytes: number
  /** Lower-case hex. */
  sha256: string
}

/**
 * csv-stringify emits one small chunk per row; passing a million of them one
 * by one to the file costs more than the CSV itself. Text is gathered into
 * chunks of about this size before being encoded, hashed and written.
 */
const CHUNK_CHARS = 64 * 1024

/**
 * The end of the line for CSV and JSONL text: a Writable that takes strings
 * (or Buffers), encodes each gathered chunk into one buffer reused for the
 * whole file, hashes it and writes it. A write completes before the next
 * starts, so the buffer can be reused; a new Buffer per chunk would be
 * gigabytes of short-lived off-heap memory on a large export, which V8 only
 * frees in full collections.
 */
class HashedFileSink extends Writable {
  private readonly hash = createHash('sha256')
  bytes = 0
  private text = ''
  private buffer = Buffer.allocUnsafe(4 * CHUNK_CHARS)
  private file: FileHandle | undefined

  constructor(private readonly path: string) {
    super({ decodeStrings: false })
  }

  digest(): FileDigest {
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') }
  }

  override _construct(done: (error?: Error | null) => void): void {
    createExclusive(this.path).then(
      file => {
        this.file = file
        done()
      },
      (error: Error) => done(error)
    )
  }

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void
  ): void {
    if (typeof chunk === 'string') {
      this.text += chunk
      if (this.text.length < CHUNK_CHARS) return done()
      this.flushText().then(() => done(), done)
    } else {
      this.flushText()
        .then(() => this.writeBytes(chunk))
        .then(() => done(), done)
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    this.flushText()
      .then(() => this.file?.close())
      .then(() => done(), done)
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const file = this.file
    this.file = undefined
    if (!file) return done(error)
    // close() after a successful _final is a no-op error we do not care about.
    file.close().then(
      () => done(error),
      () => done(error)
    )
  }

  private async flushText(): Promise<void> {
    if (this.text.length === 0) return
    const text = this.text
    this.text = ''
    const needed = Buffer.byteLength(text, 'utf8')
    if (needed > this.buffer.length) this.buffer = Buffer.allocUnsafe(needed)
    const length = this.buffer.write(text, 0, 'utf8')
    await this.writeBytes(this.buffer.subarray(0, length))
  }

  private async writeBytes(bytes: Buffer): Promise<void> {
    this.hash.update(bytes)
    this.bytes += bytes.length
    try {
      for (let offset = 0; offset < bytes.length;) {
        const { bytesWritten } = await this.file!.write(bytes, offset, bytes.length - offset)
        offset += bytesWritten
      }
    } catch (error) {
      // Node's write errors name no file; the message must (the name it will have when complete).
      throw withPath(error, this.path.replace(/\.partial$/, ''))
    }
  }
}

/** A new file at `path` (truncating any old one) that hashes what is written to it. */
export function createHashedFile(path: string): { sink: Writable; done: Promise<FileDigest> } {
  const sink = new HashedFileSink(path)
  const done = new Promise<FileDigest>((resolve, reject) => {
    sink.on('finish', () => resolve(sink.digest()))
    sink.on('error', reject)
  })
  // The caller awaits this only at close; until then a failure must not count as unhandled.
  done.catch(() => undefined)
  return { sink, done }
}
