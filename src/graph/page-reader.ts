/**
 * The one door to the hot path. A chain asks a PageReader for the page at a
 * URL and gets back the page's records (id and time, what placing them needs)
 * and a way to write the ones it keeps; buffers, byte offsets and the streaming
 * splitter (page-body.ts) stay behind it, as do pacing and retries
 * (page-retry.ts).
 *
 * Memory stays flat because a reader reuses one buffer for every page: a page's
 * bytes are only good until the next read. The reader enforces it: it refuses to
 * read while a write of its page is in flight, and a page it has moved past
 * refuses to write.
 */
import { recordTimeMs } from './query.js'
import type { GraphRecord } from '../records/graph-record.js'
import type { FetchContext } from './fetch-context.js'
import { retryable, type Outcome } from './fault-classify.js'
import type { PageResponse } from './graph-transport.js'
import {
  ByteArena,
  jsonLines,
  MalformedPageError,
  PageSplitter,
  type PageParts
} from './page-body.js'
import { retryRequest } from './page-retry.js'
import type { LogTypeSpec } from '../log-types.js'

/** One record of a page: what a chain needs to place it. */
export interface PageRecord {
  id?: string
  /** The log type's time field in ms since the epoch; NaN when absent or unparseable. */
  timeMs: number
}

export interface Page {
  readonly records: readonly PageRecord[]
  readonly nextLink?: string
  /**
   * Hands `write` the records at `indexes` (ascending positions in `records`) as
   * JSON Lines: the bytes Graph sent, each record on one line (a record Graph
   * spread over lines is compacted). The bytes are valid until `write` settles;
   * await it before reading the next page.
   */
  writeLines(indexes: readonly number[], write: (bytes: Buffer) => Promise<void>): Promise<void>
}

/** Reads a chain's pages one at a time into one reused buffer. */
export class PageReader {
  private readonly arena = new ByteArena()
  private writing = false

  constructor(private readonly ctx: FetchContext) {}

  /** The page at `url` (see fetchPage). The page read before becomes unusable. */
  async read(url: string, firstPage: boolean, signal: AbortSignal): Promise<Page> {
    if (this.writing) {
      throw new Error("PageReader.read() while the last page's records are being written")
    }
    const page = await fetchPage(this.ctx, url, firstPage, signal, this.arena)
    return {
      records: page.records,
      nextLink: page.nextLink,
      writeLines: async (indexes, write) => {
        this.writing = true
        try {
          await page.writeLines(indexes, write)
        } finally {
          this.writing = false
        }
      }
    }
  }

  /** Give the buffer back (a finished chain is kept for its counters, not its last page). */
  release(): void {
    this.arena.release()
  }
}

/**
 * Read one page into `arena` (reset first), with the retries of page-retry.ts.
 * Prefer a PageReader, which owns its arena; this is the building block.
 */
export async function fetchPage(
  ctx: FetchContext,
  url: string,
  firstPage: boolean,
  signal: AbortSignal,
  arena: ByteArena
): Promise<Page> {
  const { parts, records } = await retryRequest(
    ctx,
    url,
    firstPage,
    signal,
    (response, s, progress) => readPageBody(ctx.spec, response, s, arena, progress)
  )
  const generation = arena.generation
  const next = parts.envelope['@odata.nextLink']
  return {
    records,
    nextLink: typeof next === 'string' ? next : undefined,
    writeLines(indexes, write) {
      if (arena.generation !== generation) {
        return Promise.reject(new Error('a page was written after the next page was read'))
      }
      return indexes.length === 0 ? Promise.resolve() : write(jsonLines(arena, parts, indexes))
    }
  }
}

/** A 2xx body, streamed through the splitter into `arena`; each record parsed alone for its id and time. */
async function readPageBody(
  spec: LogTypeSpec,
  response: PageResponse,
  signal: AbortSignal,
  arena: ByteArena,
  progress: () => void
): Promise<Outcome<{ parts: PageParts; records: PageRecord[] }>> {
  const { status } = response
  let parts: PageParts
  try {
    const splitter = new PageSplitter(arena)
    for await (const chunk of response.body ?? []) {
      progress()
      splitter.push(chunk)
    }
    parts = splitter.end()
  } catch (error) {
    if (!(error instanceof MalformedPageError) || signal.aborted) throw error
    return retryable(
      'bad-body',
      status,
      `response body is not a page of records: ${error.message}`,
      error
    )
  }
  const { starts, ends } = parts
  const records = new Array<PageRecord>(starts.length)
  for (let i = 0; i < records.length; i++) {
    let record: GraphRecord
    try {
      record = JSON.parse(arena.buffer.toString('utf8', starts[i], ends[i])) as GraphRecord
    } catch (error) {
      return retryable('bad-body', status, `record ${i + 1} of the page is not valid JSON`, error)
    }
    // Only what placing the record needs is kept; its parsed tree is garbage at once.
    records[i] = {
      id: typeof record.id === 'string' ? record.id : undefined,
      timeMs: spec.timeField ? recordTimeMs(record, spec.timeField) : Number.NaN
    }
  }
  return { ok: true, value: { parts, records } }
}
