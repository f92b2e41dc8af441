/**
 * Hashes and counts bytes on their way to disk, so the manifest's sha256 and
 * size describe exactly what was written without reading the file back.
 */
import { createHash, type Hash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface FileDigest {
  path: string
  bytes: number
  /** Lower-case hex. */
  sha256: string
}

/**
 * csv-stringify emits one small chunk per row; passing a million of them one
 * by one to the file stream costs more than the CSV itself. Rows are gathered
 * into chunks of about this size (bounded memory) before being hashed and written.
 */
const CHUNK_BYTES = 64 * 1024

class HashTap extends Transform {
  readonly hash: Hash = createHash('sha256')
  bytes = 0
  private held: Buffer[] = []
  private heldBytes = 0

  override _transform(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: TransformCallback
  ): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    this.held.push(buffer)
    this.heldBytes += buffer.length
    if (this.heldBytes >= CHUNK_BYTES) this.release()
    done()
  }

  override _flush(done: TransformCallback): void {
    if (this.heldBytes > 0) this.release()
    done()
  }

  private release(): void {
    const joined = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes)
    this.held = []
    this.heldBytes = 0
    this.hash.update(joined)
    this.bytes += joined.length
    this.push(joined)
  }
}

/**
 * Streams `source` into a new file at `path` (truncating any old one).
 * Resolves once the file is flushed and closed; rejects on any stream error,
 * which also destroys `source` so a producer waiting for 'drain' is released.
 */
export function pipeToHashedFile(source: Readable, path: string): Promise<FileDigest> {
  const tap = new HashTap()
  const done = pipeline(source, tap, createWriteStream(path)).then(() => ({
    path,
    bytes: tap.bytes,
    sha256: tap.hash.digest('hex')
  }))
  // The caller awaits this only at close; until then a failure must not count as unhandled.
  done.catch(() => undefined)
  return done
}
