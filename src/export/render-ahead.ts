import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { open, rm } from 'node:fs/promises'
import { recordTimeMs } from '../graph/query.js'
import type { GraphRecord } from '../records/graph-record.js'
import type { Chain } from './chain.js'
import type { RenderedRow } from './record-sink.js'

/**
 * One record of a chain file, made ahead into what the merge needs of it: the
 * id and time it deduplicates and filters by, the row its sink writes, and the
 * part of it the findings read. Stored one JSON array per line, in the chain
 * file's order, so line n of the rows file is line n of the chain file.
 */
export type RowLine = [
  id: string | null,
  timeMs: number | null,
  row: RenderedRow,
  observed: GraphRecord | 0
]

export interface RenderAheadOptions {
  /** The log type's sink's render (output's): the same row for every sink of the log type. */
  render: () => Promise<((record: GraphRecord) => RenderedRow) | undefined>
  /**
   * The part of a record the findings observe; must be given whenever the merge
   * observes records (rows keep nothing else of them).
   */
  observedPart?: (record: GraphRecord) => GraphRecord
  timeField?: string
  /** False once the log type has failed or been stopped, or grew too big: nothing more is rendered. */
  going: () => boolean
}

const LF = 0x0a
const CHUNK = 1 << 18

/** A chain's rows file while it is written (none: rendering it was given up). */
interface Rendering {
  path: string
  out?: WriteStream
  failed?: Promise<never>
  /** Bytes of the chain file rendered so far (always the end of a line). */
  offset: number
  /** Set once rendering this chain was given up: the merge reads its records as before. */
  broken: boolean
}

/**
 * Turns each chain's records into rows as its pages are written, so the merge
 * only copies them.
 *
 * Why: merge-ahead (merge-ahead.ts) writes files newest range first, so the
 * chains behind a range that finishes late wait for it and were merged after
 * the export's last page: 0.45-1.0 s of parsing JSON (11-14 µs a sign-in) and
 * making CSV (5-12 µs) on the bench's short exports. Rendering does that work
 * page by page while the chains read (a chain that reads all along would
 * otherwise leave 10,000 records to render at its end); the merge keeps its
 * order, its deduplication and the order records are observed in (the
 * findings' top lists depend on it), and reads each row back in about 8 µs.
 *
 * A chain whose rendering failed (a record that cannot be made into a row, a
 * write error) has no rows file: the merge reads its records as before, and
 * meets the same error there, where it is named.
 */
export class RenderAhead {
  private readonly chains = new Map<Chain, Rendering>()
  /** Each finished chain's rows file, once complete (undefined: read its records instead). */
  private readonly results = new Map<Chain, Promise<string | undefined>>()
  /** One step at a time, in the order asked for: chain files are read and rows written in turn. */
  private queue: Promise<unknown> = Promise.resolve()
  private renderer?: Promise<((record: GraphRecord) => RenderedRow) | undefined>

  constructor(private readonly options: RenderAheadOptions) {}

  /** The chain wrote a page: render what it added. */
  progress(chain: Chain): void {
    this.enqueue(() => this.catchUp(chain))
  }

  /** The chain is done (its file is final): render the rest and close its rows file. */
  finish(chain: Chain): void {
    if (this.results.has(chain)) return
    this.results.set(
      chain,
      this.enqueue(async () => {
        await this.catchUp(chain)
        return this.close(chain)
      })
    )
  }

  /** The chain's rows file, once complete, or undefined when it was not (or could not be) rendered. */
  rowsOf(chain: Chain): Promise<string | undefined> {
    return this.results.get(chain) ?? Promise.resolve(undefined)
  }

  /** Waits for every step asked for so far. */
  async settled(): Promise<void> {
    await this.queue.catch(() => undefined)
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T | undefined> {
    const next = this.queue.then(step).catch(() => undefined)
    this.queue = next
    return next
  }

  private async catchUp(chain: Chain): Promise<void> {
    let state = this.chains.get(chain)
    if (state?.broken) return
    if (!this.options.going()) {
      if (state) await this.giveUp(state)
      else this.chains.set(chain, brokenRendering())
      return
    }
    this.renderer ??= this.options.render().catch(() => undefined)
    const render = await this.renderer
    if (!render) {
      this.chains.set(chain, brokenRendering())
      return
    }
    if (!state) {
      const path = `${chain.tmpPath}.rows`
      const out = createWriteStream(path)
      const failed = new Promise<never>((_, reject) => out.once('error', reject))
      failed.catch(() => undefined)
      state = { path, out, failed, offset: 0, broken: false }
      this.chains.set(chain, state)
    }
    try {
      await this.renderNewLines(chain.tmpPath, state, render)
    } catch {
      await this.giveUp(state)
    }
  }

  /** Renders the complete lines the chain file holds past `state.offset`. */
  private async renderNewLines(
    chainPath: string,
    state: Rendering,
    render: (record: GraphRecord) => RenderedRow
  ): Promise<void> {
    const { timeField, observedPart } = this.options
    const file = await open(chainPath, 'r')
    try {
      const buffer = Buffer.allocUnsafe(CHUNK)
      let carry: Buffer[] = []
      let position = state.offset
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK, position)
        if (bytesRead === 0) break
        position += bytesRead
        const bytes = buffer.subarray(0, bytesRead)
        let text = ''
        let start = 0
        for (let newline = bytes.indexOf(LF); newline >= 0; newline = bytes.indexOf(LF, start)) {
          const piece = bytes.subarray(start, newline)
          const line =
            carry.length > 0
              ? Buffer.concat([...carry, piece]).toString('utf8')
              : piece.toString('utf8')
          carry = []
          start = newline + 1
          const record = JSON.parse(line) as GraphRecord
          const t = timeField ? recordTimeMs(record, timeField) : Number.NaN
          const row: RowLine = [
            typeof record.id === 'string' ? record.id : null,
            Number.isNaN(t) ? null : t,
            render(record),
            observedPart ? observedPart(record) : 0
          ]
          text += JSON.stringify(row) + '\n'
        }
        if (start < bytes.length) carry.push(Buffer.from(bytes.subarray(start)))
        // Only whole lines count as rendered: a line still being written is read again next time.
        state.offset = position - carry.reduce((sum, piece) => sum + piece.length, 0)
        const out = state.out as WriteStream
        if (!out.write(text)) await Promise.race([once(out, 'drain'), state.failed])
      }
    } finally {
      await file.close()
    }
  }

  private async close(chain: Chain): Promise<string | undefined> {
    const state = this.chains.get(chain)
    if (!state || state.broken) return undefined
    try {
      const out = state.out as WriteStream
      out.end()
      await Promise.race([once(out, 'close'), state.failed])
      return state.path
    } catch {
      await this.giveUp(state)
      return undefined
    }
  }

  private async giveUp(state: Rendering): Promise<void> {
    if (state.broken) return
    state.broken = true
    state.out?.destroy()
    if (state.path) await rm(state.path, { force: true }).catch(() => undefined)
  }
}

/** A chain not rendered (the merge reads its records as before). */
function brokenRendering(): Rendering {
  return { path: '', offset: 0, broken: true }
}

/** A rows file's line back into its parts (see RowLine). */
export function parseRowLine(line: string): RowLine {
  return JSON.parse(line) as RowLine
}
