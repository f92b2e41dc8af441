/**
 * Memory for remembering record ids: IdSet versus a plain Set<string>, at 1M and 3M GUIDs.
 * Run: node --expose-gc --import tsx bench/id-set-memory.ts
 * Counts heap plus external memory, since IdSet's table is a typed array stored off-heap.
 */
import { randomUUID } from 'node:crypto'
import { IdSet } from '../src/records/id-set.js'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('Run with --expose-gc so the figures are not noise.')
const collect: () => void = gc

function used(): number {
  collect()
  collect()
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}

interface Figure {
  mb: number
  addsPerSecond: number
}

/**
 * A page of ids shaped like the ones an export sees: flat strings out of JSON.parse.
 * (randomUUID() itself returns a tree of concatenated pieces that a Set would keep whole,
 * which would overstate the Set's cost several times.)
 */
function page(size: number): string[] {
  return JSON.parse(JSON.stringify(Array.from({ length: size }, () => randomUUID()))) as string[]
}

function measure(count: number, make: () => { add(id: string): unknown }): Figure {
  const before = used()
  const set = make()
  let addMs = 0
  // Ids are made a page at a time and dropped once added, as in an export: only what
  // the set keeps is measured.
  for (let done = 0; done < count; done += 10_000) {
    const ids = page(Math.min(10_000, count - done))
    const started = performance.now()
    for (const id of ids) set.add(id)
    addMs += performance.now() - started
  }
  const after = used()
  // Keep the set alive until after the measurement.
  if (!set) throw new Error('unreachable')
  return { mb: (after - before) / 2 ** 20, addsPerSecond: count / (addMs / 1000) }
}

const rows: string[][] = [['ids', 'IdSet MB', 'Set<string> MB', 'IdSet adds/s', 'Set adds/s']]
for (const count of [1_000_000, 3_000_000]) {
  const idSet = measure(count, () => new IdSet())
  const plain = measure(count, () => new Set<string>())
  rows.push([
    count.toLocaleString('en-US'),
    idSet.mb.toFixed(1),
    plain.mb.toFixed(1),
    Math.round(idSet.addsPerSecond).toLocaleString('en-US'),
    Math.round(plain.addsPerSecond).toLocaleString('en-US')
  ])
}
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 0 ? 11 : 16)).join(''))
