/**
 * Issue 14, items 3-5: files carry their final name only when complete, a
 * failure leaves them `.incomplete`, write errors read in words, and a record
 * nested thousands deep neither crashes nor fails its log type.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cellJson, TOO_DEEP } from '../../src/output/bounded-json.js'
import { columnsFor } from '../../src/output/columns.js'
import { openRecordWriter } from '../../src/output/record-writer.js'
import { describeWriteError, isWriteError } from '../../src/write-errors.js'
import { canMountSmallDisk, mountSmallDisk } from '../support/small-disk.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'writes-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const open = () =>
  openRecordWriter({
    dir,
    baseName: 'audit-logs',
    logType: 'audit-logs',
    columns: columnsFor('audit-logs', 'default'),
    csv: true,
    jsonl: true,
    escapeFormulas: true,
    maxRowsPerFile: 2,
    bom: false
  })

const record = (n: number) => ({ id: `id-${n}`, activityDateTime: '2026-10-05T00:00:00Z' })

it('no file carries its final name before close()', async () => {
  const writer = await open()
  for (let i = 0; i < 5; i++) await writer.write(record(i))
  // (a file opens asynchronously, so the last part may not be on disk yet)
  expect((await readdir(dir)).filter(f => !f.endsWith('.partial'))).toEqual([])
  const result = await writer.close()
  expect((await readdir(dir)).sort()).toEqual([
    'audit-logs.2.csv',
    'audit-logs.3.csv',
    'audit-logs.csv',
    'audit-logs.jsonl'
  ])
  expect(result.files.map(f => f.path).every(p => existsSync(p))).toBe(true)
})

it('abort() leaves every file as .incomplete, none under a final or temporary name', async () => {
  const writer = await open()
  for (let i = 0; i < 3; i++) await writer.write(record(i))
  await writer.abort()
  expect((await readdir(dir)).sort()).toEqual([
    'audit-logs.incomplete.2.csv',
    'audit-logs.incomplete.csv',
    'audit-logs.incomplete.jsonl'
  ])
})

const onSmallDisk = canMountSmallDisk ? it : it.skip
onSmallDisk('a full disk is an error naming the file, in words', async () => {
  // 16 KiB of disk: the records below need far more.
  const disk = mountSmallDisk(16 * 1024)!
  const previous = dir
  dir = disk.dir
  try {
    const writer = await open()
    let error: unknown
    try {
      for (let i = 0; i < 3000; i++) await writer.write(record(i))
      await writer.close()
    } catch (e) {
      error = e
    }
    expect(String(error)).toMatch(/ENOSPC/)
    expect(isWriteError(error)).toBe(true)
    if (!isWriteError(error)) return
    expect(describeWriteError(error)).toMatch(
      new RegExp(
        `^Could not write ${dir}/audit-logs\\.(?:\\d+\\.)?(?:csv|jsonl): disk full \\(no space left on the device\\) \\[ENOSPC\\]\\. ` +
          'Free space or fix the permissions of the output directory and RUNNER_TEMP, then re-run\\.$'
      )
    )
    await writer.abort()
    expect((await readdir(dir)).filter(f => !f.includes('.incomplete'))).toEqual([])
  } finally {
    dir = previous
    disk.unmount()
  }
})

it('a record nested 100 000 levels deep is written, its cell bounded', async () => {
  const depth = 100_000
  const text = `{"id":"deep","activityDateTime":"2026-10-05T00:00:00Z","targetResources":${'['.repeat(depth)}${']'.repeat(depth)}}`
  expect(() => JSON.stringify(JSON.parse(text))).toThrow(RangeError)
  const cell = cellJson(JSON.parse(text).targetResources)
  expect(cell).toContain(TOO_DEEP)
  expect(cell.startsWith('[[[[')).toBe(true)
  const writer = await open()
  await writer.write(JSON.parse(text), text)
  await writer.write(record(1))
  const result = await writer.close()
  expect(result.rows).toBe(2)
  // JSONL keeps Graph's own text, whole.
  expect((await readFile(join(dir, 'audit-logs.jsonl'), 'utf8')).split('\n')[0]).toBe(text)
})

it('below the bound, a cell is exactly JSON.stringify', () => {
  const value = { a: [1, { b: 'x' }], c: null, d: undefined }
  expect(cellJson(value)).toBe(JSON.stringify(value))
})
