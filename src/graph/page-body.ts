/**
 * Splits a Graph page body into the bytes of each record while it streams in,
 * without ever holding the page as one string or one parsed tree. A page of
 * sign-ins is megabytes: as a string it lands in V8's large-object space, and a
 * long export allocates gigabytes of those, so V8 grows the old generation to
 * hundreds of MB between collections (a 1M-record export peaked near 300 MB that
 * way). Here each record's bytes are copied as they arrive into the chain's
 * ByteArena, a buffer reused page after page, so the network's chunks die young
 * and a page costs no new memory; each record is parsed alone by the caller (its
 * objects die young too), and the chain file gets the bytes Graph sent, unchanged.
 *
 * UTF-8 never uses bytes below 0x80 inside a multi-byte character, so the JSON
 * structure (quotes, backslashes, brackets) can be followed byte by byte.
 */

/** The body is cut short or is not a page of records: worth asking again. */
export class MalformedPageError extends Error {
  override name = 'MalformedPageError'
}

/**
 * A growable byte buffer that a chain reuses for every page: records are copied
 * in as they stream, each followed by a newline, ready to be written as JSON Lines.
 */
export class ByteArena {
  buffer: Buffer
  length = 0
  /** Bumped whenever the contents are discarded: what was read before is gone. */
  generation = 0

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes)
  }

  append(source: Buffer, from: number, to: number): void {
    const needed = this.length + (to - from)
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2))
      this.buffer.copy(grown, 0, 0, this.length)
      this.buffer = grown
    }
    source.copy(this.buffer, this.length, from, to)
    this.length = needed
  }

  reset(): void {
    this.length = 0
    this.generation++
  }

  /** Give the memory back (a finished chain is kept for its counters, not its last page). */
  release(): void {
    this.buffer = EMPTY
    this.length = 0
    this.generation++
  }
}

const EMPTY = Buffer.alloc(0)

export interface PageParts {
  /**
   * Record i is arena bytes [starts[i], ends[i]), followed by a newline. Raw line
   * breaks (whitespace between tokens) set multiline[i]: that record needs
   * compacting before it can be one line of a file.
   */
  starts: number[]
  ends: number[]
  multiline: boolean[]
  /** Everything else in the page (`@odata.nextLink`, ...), parsed, with `value` emptied. */
  envelope: Record<string, unknown>
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const LF = 0x0a
const CR = 0x0d
const NEWLINE = Buffer.from('\n')

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

function notARecord(): MalformedPageError {
  return new MalformedPageError('a "value" element is not an object')
}

/**
 * Feed the body's chunks to push(), then call end(). Follows nesting and
 * strings (skipped with indexOf), so it costs less than JSON.parse of the page.
 * Every structural fault a cut-short or garbled body can have surfaces here or
 * in the envelope's JSON.parse; a record's own syntax is checked when the
 * caller parses it.
 */
export class PageSplitter {
  private depth = 0
  private inString = false
  /** Backslashes right before the next byte of the current string (escapes can straddle chunks). */
  private backslashes = 0
  /** The current string is at the top level of the page: a key, or a value like the nextLink. */
  private topLevelString = false
  private stringPieces: Buffer[] = []
  private lastTopLevelString = ''
  private nextIsValue = false
  private where: 'before' | 'inside' | 'after' = 'before'
  private recordOpen = false
  private recordBreaks = false
  private readonly envelopePieces: Buffer[] = []
  private readonly starts: number[] = []
  private readonly ends: number[] = []
  private readonly multiline: boolean[] = []

  /** `arena` receives the records; it is reset here, so one page is in it at a time. */
  constructor(private readonly arena: ByteArena) {
    arena.reset()
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const n = buf.length
    // Where the current envelope / record segment started in this chunk (-1: none).
    let envelopeFrom = this.where === 'inside' ? -1 : 0
    let recordFrom = this.recordOpen ? 0 : -1
    let i = 0
    while (i < n) {
      if (this.inString) {
        i = this.skipString(buf, i)
        continue
      }
      const c = buf[i]
      switch (c) {
        case QUOTE:
          if (this.where === 'inside' && this.depth === 2) throw notARecord()
          this.inString = true
          this.backslashes = 0
          this.topLevelString = this.depth === 1
          if (this.topLevelString) this.stringPieces = []
          i++
          continue
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (this.depth === 1 && this.nextIsValue && c === OPEN_ARRAY && this.where === 'before') {
            // The envelope keeps the brackets of "value" and nothing between them.
            this.envelopePieces.push(Buffer.from(buf.subarray(envelopeFrom, i + 1)))
            envelopeFrom = -1
            this.where = 'inside'
          } else if (this.where === 'inside' && this.depth === 2) {
            if (c !== OPEN_OBJECT) throw notARecord()
            this.recordOpen = true
            this.recordBreaks = false
            this.starts.push(this.arena.length)
            recordFrom = i
          }
          this.nextIsValue = false
          this.depth++
          break
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.depth--
          if (this.depth < 0) throw new MalformedPageError('unbalanced brackets')
          if (this.where === 'inside' && this.depth === 2 && this.recordOpen) {
            this.arena.append(buf, recordFrom, i + 1)
            this.ends.push(this.arena.length)
            this.multiline.push(this.recordBreaks)
            this.arena.append(NEWLINE, 0, 1)
            this.recordOpen = false
            recordFrom = -1
          } else if (this.where === 'inside' && this.depth === 1) {
            this.where = 'after'
            envelopeFrom = i
          }
          break
        case COLON:
          if (this.depth === 1) this.nextIsValue = this.lastTopLevelString === 'value'
          break
        case COMMA:
          this.nextIsValue = false
          break
        default:
          if (this.where === 'inside' && this.depth === 2 && !isWhitespace(c)) throw notARecord()
          if ((c === LF || c === CR) && this.recordOpen) this.recordBreaks = true
      }
      i++
    }
    if (envelopeFrom >= 0) this.envelopePieces.push(Buffer.from(buf.subarray(envelopeFrom, n)))
    if (this.recordOpen && recordFrom >= 0) this.arena.append(buf, recordFrom, n)
  }

  end(): PageParts {
    if (this.inString || this.depth !== 0) {
      throw new MalformedPageError('the body ends before the page does')
    }
    if (this.where !== 'after') throw new MalformedPageError('the page has no "value" array')
    let envelope: unknown
    try {
      envelope = JSON.parse(Buffer.concat(this.envelopePieces).toString('utf8'))
    } catch (error) {
      throw new MalformedPageError('the page is not valid JSON', { cause: error })
    }
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      throw new MalformedPageError('the page is not a JSON object')
    }
    return {
      starts: this.starts,
      ends: this.ends,
      multiline: this.multiline,
      envelope: envelope as Record<string, unknown>
    }
  }

  /** Advance through the current string from `i`; returns where to continue. */
  private skipString(buf: Buffer, i: number): number {
    const n = buf.length
    for (let from = i; ;) {
      const quote = buf.indexOf(QUOTE, from)
      const stop = quote < 0 ? n : quote
      // Backslashes right before `stop`, counting those carried from before `from`.
      let k = stop - 1
      while (k >= from && buf[k] === BACKSLASH) k--
      const run = stop - 1 - k + (k < from ? this.backslashes : 0)
      if (quote < 0) {
        this.backslashes = run
        if (this.topLevelString) this.stringPieces.push(buf.subarray(i, n))
        return n
      }
      this.backslashes = 0
      if (run % 2 === 1) {
        from = quote + 1 // an escaped quote: the string goes on
        continue
      }
      this.inString = false
      if (this.topLevelString) {
        this.stringPieces.push(buf.subarray(i, quote))
        this.lastTopLevelString = Buffer.concat(this.stringPieces).toString('utf8')
        this.stringPieces = []
      }
      return quote + 1
    }
  }
}

/** Split a whole body at once (tests, and callers that already hold the bytes). */
export function splitPage(body: Uint8Array | string, arena = new ByteArena()): PageParts {
  const splitter = new PageSplitter(arena)
  splitter.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
  return splitter.end()
}

/**
 * The records at `indexes` (ascending) of a page split into `arena`, as JSON
 * Lines: the bytes Graph sent, not a re-serialisation (no CPU or garbage spent
 * on the hot path, and the JSONL output can carry them unchanged). Graph sends
 * compact JSON; a record that spans lines anyway is compacted so one line stays
 * one record. Runs of records back to back are one slice of the arena, so the
 * result usually aliases it: use it before the arena is refilled.
 */
export function jsonLines(
  arena: ByteArena,
  parts: Pick<PageParts, 'starts' | 'ends' | 'multiline'>,
  indexes: readonly number[]
): Buffer {
  const { starts, ends, multiline } = parts
  const segments: Buffer[] = []
  let runStart = -1
  let runEnd = -1
  const flush = (): void => {
    if (runStart >= 0) segments.push(arena.buffer.subarray(runStart, runEnd))
    runStart = -1
  }
  for (const i of indexes) {
    const start = starts[i]
    const end = ends[i]
    if (multiline[i]) {
      flush()
      segments.push(Buffer.from(compact(arena.buffer.toString('utf8', start, end)) + '\n', 'utf8'))
    } else if (runStart >= 0 && start === runEnd) {
      runEnd = end + 1
    } else {
      flush()
      runStart = start
      runEnd = end + 1
    }
  }
  flush()
  return segments.length === 1 ? segments[0] : Buffer.concat(segments)
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
