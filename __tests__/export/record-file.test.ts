import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendRecords, readRecords } from '../../src/export/record-file.js'
import { ByteArena, jsonLines, splitPage } from '../../src/graph/page-body.js'
import type { Page } from '../../src/graph/page-reader.js'

async function collect(path: string): Promise<string[]> {
  const lines: string[] = []
  for await (const batch of readRecords(path)) lines.push(...batch)
  return lines
}

/**
 * Write pages of record texts through one reused arena, as a chain does: each
 * page's records go through the page splitter, and `keep` picks which to write.
 */
async function write(
  path: string,
  pages: string[][],
  keep: (index: number) => boolean = () => true
): Promise<void> {
  const out = createWriteStream(path)
  const arena = new ByteArena(16)
  for (const texts of pages) {
    const parts = splitPage(`{"value":[${texts.join(',')}]}`, arena)
    // A page as fetchPage makes it: its records' bytes in the reused arena.
    const page: Page = {
      records: [],
      writeLines: (indexes, writeBytes) => writeBytes(jsonLines(arena, parts, indexes))
    }
    await appendRecords(
      out,
      page,
      parts.starts.map((_, i) => i).filter(i => keep(i))
    )
  }
  out.end()
  await once(out, 'close')
}

describe('chain record files', () => {
  it('round-trips record texts exactly, multi-byte text and records larger than a read chunk included', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'record-file-')), 'chain.jsonl')
    const big = JSON.stringify({ id: 'a', name: 'Zoë 🚀\n"x"'.repeat(200_000) })
    const small = '{"id":"b\\u2028","s":"\u2028 é"}'
    const pages = [[], [big], [small, '{"id":"c"}'], [big, small]]
    await write(path, pages)
    expect(await collect(path)).toEqual(pages.flat())
  })

  it('writes only the records kept, in order, from any positions of the page', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'record-file-')), 'chain.jsonl')
    const page = [
      '{"id":"0"}',
      '{"id":"1"}',
      '{"id":"2"}',
      '{"id":"3"}',
      '{"id":"4"}',
      '{"id":"5"}'
    ]
    await write(path, [page, page], i => i !== 0 && i !== 3 && i !== 5)
    const kept = ['{"id":"1"}', '{"id":"2"}', '{"id":"4"}']
    expect(await collect(path)).toEqual([...kept, ...kept])
  })

  it('keeps one record per line when Graph sent a record over several lines', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'record-file-')), 'chain.jsonl')
    await write(path, [['{\n  "id": "a",\r\n  "n": 1\n}', '{"id":"b"}']])
    const lines = await collect(path)
    expect(lines).toHaveLength(2)
    expect(lines.map(line => JSON.parse(line))).toEqual([{ id: 'a', n: 1 }, { id: 'b' }])
  })

  it('refuses a file cut short instead of returning fewer records', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'record-file-')), 'chain.jsonl')
    await write(path, [['{"id":"a"}', '{"id":"b"}']])
    const bytes = readFileSync(path)
    writeFileSync(path, bytes.subarray(0, bytes.length - 5))
    await expect(collect(path)).rejects.toThrow(/cut short/)
  })
})
