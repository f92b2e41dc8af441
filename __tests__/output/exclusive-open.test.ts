/**
 * Issues 14 and 15 together: files are written under `.partial` and then given
 * their final name, and nothing already at that name (a file or a link planted
 * after the output directory was checked) is replaced or written through.
 */
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { columnsFor } from '../../src/output/columns.js'
import { publishExclusive } from '../../src/output/exclusive-open.js'
import { writeManifest } from '../../src/output/manifest.js'
import { openRecordWriter } from '../../src/output/record-writer.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exclusive-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

it('publishExclusive renames, and refuses to replace what is at the final name', async () => {
  await writeFile(join(dir, 'a.partial'), 'ours')
  await publishExclusive(join(dir, 'a.partial'), join(dir, 'a'))
  expect(await readdir(dir)).toEqual(['a'])
  expect(await readFile(join(dir, 'a'), 'utf8')).toBe('ours')

  await writeFile(join(dir, 'b.partial'), 'ours')
  await writeFile(join(dir, 'b'), 'planted')
  await expect(publishExclusive(join(dir, 'b.partial'), join(dir, 'b'))).rejects.toThrow(
    /already exists/
  )
  expect(await readFile(join(dir, 'b'), 'utf8')).toBe('planted')
})

it('a link planted at a CSV final name while the export runs is not replaced', async () => {
  const target = join(dir, 'outside.txt')
  await writeFile(target, 'do not touch')
  const writer = await openRecordWriter({
    dir,
    baseName: 'audit-logs',
    logType: 'audit-logs',
    columns: columnsFor('audit-logs', 'default'),
    csv: true,
    jsonl: false,
    escapeFormulas: true,
    maxRowsPerFile: 1000,
    bom: false
  })
  await writer.write({ id: 'x', activityDateTime: '2026-10-05T00:00:00Z' })
  await symlink(target, join(dir, 'audit-logs.csv'))
  await expect(writer.close()).rejects.toThrow(/already exists/)
  expect(await readFile(target, 'utf8')).toBe('do not touch')
})

it('the manifest is never written over an existing one', async () => {
  await writeFile(join(dir, 'manifest.json'), 'earlier')
  await expect(writeManifest(dir, { a: 1 })).rejects.toThrow(/already exists/)
  expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe('earlier')
  expect(await readdir(dir)).toEqual(['manifest.json'])
})
