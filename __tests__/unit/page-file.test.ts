import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPages, writePage } from '../../src/export/page-file.js'

async function collect(path: string) {
  const pages = []
  for await (const page of readPages(path)) pages.push(page)
  return pages
}

describe('chain page files', () => {
  it('round-trips bodies exactly, multi-byte text and bodies larger than a read chunk included', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'page-file-')), 'chain.pages')
    const big = JSON.stringify({ value: [{ id: 'a', name: 'Zoë 🚀\n"x"'.repeat(200_000) }] })
    const bodies = [JSON.stringify({ value: [] }), big, '{"value":[{"id":"b\\u2028"}]}\n', big]
    const out = createWriteStream(path)
    await writePage(out, bodies[0], [])
    await writePage(out, bodies[1], null)
    await writePage(out, bodies[2], [0])
    await writePage(out, bodies[3], [0, 0])
    out.end()
    await once(out, 'close')
    const pages = await collect(path)
    expect(pages.map(p => p.body)).toEqual(bodies)
    expect(pages.map(p => p.keep)).toEqual([[], null, [0], [0, 0]])
  })

  it('refuses a file cut short instead of returning fewer records', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'page-file-')), 'chain.pages')
    const out = createWriteStream(path)
    await writePage(out, '{"value":[{"id":"a"},{"id":"b"}]}', null)
    out.end()
    await once(out, 'close')
    const bytes = readFileSync(path)
    writeFileSync(path, bytes.subarray(0, bytes.length - 5))
    await expect(collect(path)).rejects.toThrow(/truncated page body/)
  })
})
