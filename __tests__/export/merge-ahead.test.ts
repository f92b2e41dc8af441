/**
 * Issue 18: a log type's chain files are merged into its writer while other
 * chains still read, in the final pass's order (newest range first), so the
 * end of the export is not spent writing; the result is the same as merging
 * everything at the end.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Chain } from '../../src/export/chain.js'
import { MergeAhead, type MergeCounts } from '../../src/export/merge-ahead.js'
import { mergeChainFiles } from '../../src/export/merge.js'
import { IdSet } from '../../src/records/id-set.js'
import { openRecordWriter, type RecordWriter } from '../../src/output/record-writer.js'

const HOUR = 3_600_000

interface FakeChain {
  startMs: number
  endMs: number
  positionMs: number
  done: boolean
  finished: boolean
  lost: boolean
  tmpPath: string
}

function setup(hasRoom: () => boolean = () => true): {
  dir: string
  chains: FakeChain[]
  chain(startHour: number, endHour: number, ids: string[]): FakeChain
  finish(chain: FakeChain): void
  ahead: MergeAhead<RecordWriter>
  merges: string[][]
} {
  const dir = mkdtempSync(join(tmpdir(), 'merge-ahead-'))
  const chains: FakeChain[] = []
  const merges: string[][] = []
  const ids = new IdSet()
  const ahead = new MergeAhead<RecordWriter>(
    () => chains as unknown as Chain[],
    () =>
      openRecordWriter({
        dir,
        baseName: 'audit-logs',
        logType: 'audit-logs',
        columns: [],
        csv: false,
        jsonl: true,
        escapeFormulas: true,
        maxRowsPerFile: 1_000_000,
        bom: false
      }),
    async (merged, writer): Promise<MergeCounts> => {
      const paths = merged.map(chain => chain.tmpPath)
      merges.push(paths.map(p => p.split('/').pop() as string))
      return mergeChainFiles(
        paths.map(path => ({ path })),
        ids,
        writer,
        {
          timeField: 'activityDateTime',
          observe: () => {}
        }
      )
    },
    () => true,
    hasRoom
  )
  return {
    dir,
    chains,
    merges,
    ahead,
    chain(startHour, endHour, recordIds) {
      const tmpPath = join(dir, `chain-${chains.length + 1}.jsonl`)
      const lines = recordIds.map(
        (id, i) =>
          JSON.stringify({
            id,
            activityDateTime: new Date(
              (endHour - (i + 1) / (recordIds.length + 1)) * HOUR
            ).toISOString()
          }) + '\n'
      )
      writeFileSync(tmpPath, lines.join(''))
      const chain: FakeChain = {
        startMs: startHour * HOUR,
        endMs: endHour * HOUR,
        positionMs: startHour * HOUR,
        done: false,
        finished: false,
        lost: false,
        tmpPath
      }
      chains.push(chain)
      return chain
    },
    finish(chain) {
      chain.done = true
      chain.finished = true
      ahead.advance()
    }
  }
}

const idsIn = (path: string): string[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(line => line !== '')
    .map(line => (JSON.parse(line) as { id: string }).id)

describe('merge-ahead', () => {
  it('merges finished chains only when every newer range is merged, in the final order', async () => {
    const t = setup()
    const newest = t.chain(20, 24, ['a', 'b'])
    // Split off the older part while the newest still reads.
    newest.startMs = 10 * HOUR
    const older = t.chain(0, 10, ['c', 'd'])
    t.finish(older)
    // The older range is done first, but the newest is not: nothing may be written yet.
    expect((await t.ahead.take())?.chains ?? []).toEqual([])
    expect(t.merges).toEqual([])
  })

  it('goes on from what it merged; the result equals one pass at the end, duplicates included', async () => {
    const t = setup()
    const newest = t.chain(12, 24, ['a', 'b', 'x'])
    t.finish(newest)
    await t.ahead.settled()
    expect(t.merges).toEqual([['chain-1.jsonl']])
    const middle = t.chain(6, 12, ['c', 'x'])
    const oldest = t.chain(0, 6, ['e'])
    t.finish(oldest)
    t.finish(middle)
    const merged = await t.ahead.take()
    expect(t.merges).toEqual([['chain-1.jsonl'], ['chain-2.jsonl', 'chain-3.jsonl']])
    expect(merged?.chains).toEqual([newest, middle, oldest])
    expect(merged?.counts.rows).toBe(5)
    expect(merged?.counts.duplicates).toBe(1)
    const written = await (merged?.writer as RecordWriter).close()
    expect(idsIn(written.files[0].path)).toEqual(['a', 'b', 'x', 'c', 'e'])
  })

  it('merges a chain that lost a race as the final pass would, records below its new start included', async () => {
    const t = setup()
    const newest = t.chain(12, 24, ['a'])
    // The original wrote b and c down to 7:30, then lost to a hedge reading from 8:00
    // (the end of its oldest second, in hours here) that skips c by id.
    const loser = t.chain(6, 12, ['b', 'c'])
    const winner = t.chain(6, 8, ['d', 'e'])
    loser.positionMs = 7.5 * HOUR
    loser.startMs = 8 * HOUR
    loser.lost = true
    t.finish(newest)
    t.finish(loser)
    await t.ahead.settled()
    // The loser is merged while the winner still reads.
    expect(t.merges).toEqual([['chain-1.jsonl', 'chain-2.jsonl']])
    t.finish(winner)
    const taken = await t.ahead.take()
    expect(taken?.chains).toEqual([newest, loser, winner])
    const written = await (taken?.writer as RecordWriter).close()
    expect(idsIn(written.files[0].path)).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('keeps going when a newer chain that shares the start of an emptied loser hands off', async () => {
    const t = setup()
    const newest = t.chain(12, 24, ['a'])
    // Made before the chain just above it; it lost a race having read nothing, so its
    // range shrank to nothing at its own end, the start of the newer chain.
    const emptied = t.chain(0, 6, [])
    const middle = t.chain(6, 12, ['b'])
    emptied.startMs = emptied.positionMs = 6 * HOUR
    emptied.lost = true
    t.finish(newest)
    t.finish(emptied)
    await t.ahead.settled()
    // The middle chain hands off the older part of its range, then both finish.
    middle.startMs = middle.positionMs = 9 * HOUR
    const handedOff = t.chain(6, 9, ['c'])
    t.finish(middle)
    t.finish(handedOff)
    const taken = await t.ahead.take()
    expect(taken?.chains).toEqual([newest, middle, handedOff, emptied])
    const written = await (taken?.writer as RecordWriter).close()
    expect(idsIn(written.files[0].path)).toEqual(['a', 'b', 'c'])
  })

  it('discards its writer for an incomplete log type, naming what it observed', async () => {
    const t = setup()
    const newest = t.chain(12, 24, ['a'])
    const older = t.chain(6, 12, ['b'])
    t.finish(newest)
    await t.ahead.settled()
    older.done = true
    expect(await t.ahead.discard()).toEqual([newest])
    // Incomplete: what was merged goes; the final pass rewrites and must not observe it twice.
    expect(readdirSync(t.dir).filter(name => !name.startsWith('chain-'))).toEqual([])
  })

  it('stops merging ahead when it has no more room, and keeps what it merged for the final pass', async () => {
    let room = true
    const t = setup(() => room)
    const newest = t.chain(12, 24, ['a'])
    const older = t.chain(0, 12, ['b'])
    t.finish(newest)
    await t.ahead.settled()
    room = false
    t.finish(older)
    const taken = await t.ahead.take()
    // The older chain waits for the final pass; what is merged is handed over, not discarded.
    expect(t.merges).toEqual([['chain-1.jsonl']])
    expect(taken?.chains).toEqual([newest])
    const written = await (taken?.writer as RecordWriter).close()
    expect(idsIn(written.files[0].path)).toEqual(['a'])
  })
})
