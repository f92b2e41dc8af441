import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { ColumnSet, LogTypeName } from '../../src/settings.js'
import { EXCEL_MAX_CELL, TRUNCATION_MARKER, toCell } from '../../src/output/cell.js'
import type { GraphRecord } from '../../src/records/graph-record.js'
import { columnsFor } from '../../src/output/columns.js'
import {
  openRecordWriter,
  type RecordWriterOptions,
  type RecordWriterResult
} from '../../src/output/record-writer.js'
import { fullActivity, fullAudit, fullProvisioning, fullSignIn } from './sample-records.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-writer-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Files are created new: a second write in one test needs the first one's files gone. */
async function clear(): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name))
}

async function writeAll(
  records: GraphRecord[],
  overrides: Partial<RecordWriterOptions> = {},
  set: ColumnSet = 'all'
): Promise<RecordWriterResult> {
  const logType = overrides.logType ?? 'interactive-sign-ins'
  const writer = await openRecordWriter({
    dir,
    baseName: 'out',
    logType,
    columns: columnsFor(logType, set),
    csv: true,
    jsonl: true,
    escapeFormulas: true,
    maxRowsPerFile: 1_000_000,
    bom: false,
    ...overrides
  })
  for (const record of records) await writer.write(record)
  return writer.close()
}

async function readCsv(name: string): Promise<string[][]> {
  return parse(await readFile(join(dir, name)), { bom: true }) as string[][]
}

const cases: [LogTypeName, () => GraphRecord][] = [
  ['interactive-sign-ins', fullSignIn],
  ['audit-logs', fullAudit],
  ['provisioning-logs', fullProvisioning],
  ['service-principal-activity', fullActivity]
]

describe('openRecordWriter', () => {
  it.each(cases)(
    '%s: every catalogued field round-trips through csv-parse',
    async (logType, make) => {
      const record = make()
      const result = await writeAll([record, make()], { logType })
      const columns = columnsFor(logType, 'all')
      const [header, ...rows] = await readCsv('out.csv')
      expect(header).toEqual(columns.map(c => c.name))
      expect(rows).toHaveLength(2)
      const options = { escapeFormulas: true, maxCellLength: EXCEL_MAX_CELL }
      columns.forEach((column, i) => {
        expect([column.name, rows[0][i]]).toEqual([
          column.name,
          toCell(column.get(record), options).text
        ])
      })
      expect(result.rows).toBe(2)
      expect(result.unknownFields).toEqual([])
    }
  )

  it('writes hostile values exactly and escapes formulas but not numbers', async () => {
    await writeAll([fullSignIn()])
    const [header, row] = await readCsv('out.csv')
    const cell = (name: string): string => row[header.indexOf(name)]
    expect(cell('status.failureReason')).toBe('Invalid "password"\r\nretry')
    expect(cell('location.city')).toBe('Zürich')
    expect(cell('location.geoCoordinates.latitude')).toBe('-33.5')
    expect(cell('autonomousSystemNumber')).toBe('-1')
    expect(cell('processingTimeInMilliseconds')).toBe('0')
    expect(cell('isInteractive')).toBe('false')
    expect(cell('status.errorCode')).toBe('50126')
    expect(cell('signInEventTypes')).toBe('interactiveUser; nonInteractiveUser')
    expect(cell('authenticationMethodsUsed')).toBe("'=cmd; Password")
    expect(cell('appliedConditionalAccessPolicies')).toBe(
      '[{"id":"p1","displayName":"Require MFA, \\"all\\"","result":"success","enforcedGrantControls":["Mfa"]}]'
    )
    expect(row.join('\n')).not.toContain('[object Object]')
  })

  it('leaves formulas alone when escaping is off', async () => {
    const record = { id: '=1+1', createdDateTime: '-5', userPrincipalName: '@x', userId: -3 }
    await writeAll([record], { escapeFormulas: false }, 'default')
    const [header, row] = await readCsv('out.csv')
    expect(row[header.indexOf('id')]).toBe('=1+1')
    expect(row[header.indexOf('createdDateTime')]).toBe('-5')
    expect(row[header.indexOf('userPrincipalName')]).toBe('@x')

    await clear()
    await writeAll([record], { escapeFormulas: true }, 'default')
    const [, escaped] = await readCsv('out.csv')
    expect(escaped[header.indexOf('id')]).toBe("'=1+1")
    expect(escaped[header.indexOf('createdDateTime')]).toBe("'-5")
    expect(escaped[header.indexOf('userId')]).toBe('-3')
  })

  it('writes the same header whatever arrives, including nothing', async () => {
    const expected = columnsFor('audit-logs', 'all').map(c => c.name)
    for (const records of [[], [fullAudit()], [{ id: 'only-id', brandNewField: 1 }]]) {
      await clear()
      await writeAll(records, { logType: 'audit-logs' })
      const [header, ...rows] = await readCsv('out.csv')
      expect(header).toEqual(expected)
      expect(rows).toHaveLength(records.length)
    }
  })

  it('leaves an empty log type with a header-only CSV and an empty JSONL', async () => {
    const result = await writeAll([], { logType: 'provisioning-logs' }, 'default')
    expect(result.rows).toBe(0)
    expect(result.files.map(f => [basename(f.path), f.rows])).toEqual([
      ['out.csv', 0],
      ['out.jsonl', 0]
    ])
    const text = await readFile(join(dir, 'out.csv'), 'utf8')
    expect(text).toBe(
      columnsFor('provisioning-logs', 'default')
        .map(c => c.name)
        .join(',') + '\r\n'
    )
    expect(await readFile(join(dir, 'out.jsonl'), 'utf8')).toBe('')
  })

  it('splits CSV at maxRowsPerFile, each part with header and BOM', async () => {
    const records = [1, 2, 3, 4, 5].map(n => ({ id: `r${n}` }))
    const result = await writeAll(records, { maxRowsPerFile: 2, bom: true }, 'default')
    expect(result.files.map(f => [basename(f.path), f.format, f.rows])).toEqual([
      ['out.csv', 'csv', 2],
      ['out.2.csv', 'csv', 2],
      ['out.3.csv', 'csv', 1],
      ['out.jsonl', 'jsonl', 5]
    ])
    expect((await readdir(dir)).sort()).toEqual(['out.2.csv', 'out.3.csv', 'out.csv', 'out.jsonl'])
    const ids: string[] = []
    for (const name of ['out.csv', 'out.2.csv', 'out.3.csv']) {
      const bytes = await readFile(join(dir, name))
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const [header, ...rows] = await readCsv(name)
      expect(header[0]).toBe('id')
      ids.push(...rows.map(r => r[0]))
    }
    expect(ids).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'])
  })

  it('writes no BOM unless asked', async () => {
    await writeAll([{ id: 'é' }], { bom: false }, 'default')
    const bytes = await readFile(join(dir, 'out.csv'))
    expect(bytes.subarray(0, 2).toString()).toBe('id')
  })

  it('truncates oversized cells in CSV, counts them, and keeps JSONL whole', async () => {
    const huge = 'y'.repeat(EXCEL_MAX_CELL + 10)
    const record = { id: 'big', userAgent: huge, correlationId: huge }
    const result = await writeAll([record], {}, 'all')
    expect(result.truncatedCells).toBe(2)
    const [header, row] = await readCsv('out.csv')
    const cell = row[header.indexOf('userAgent')]
    expect(cell).toHaveLength(EXCEL_MAX_CELL)
    expect(cell.endsWith(TRUNCATION_MARKER)).toBe(true)
    const line = (await readFile(join(dir, 'out.jsonl'), 'utf8')).trimEnd()
    expect(JSON.parse(line)).toEqual(record)
  })

  it('reports unknown top-level fields, sorted, ignoring @odata annotations', async () => {
    const result = await writeAll([
      { ...fullSignIn(), zNewThing: 1, '@odata.etag': 'x' },
      { id: '2', aNewThing: { nested: true }, zNewThing: 2 }
    ])
    expect(result.unknownFields).toEqual(['aNewThing', 'zNewThing'])
  })

  it('writes JSONL with the same records in the same order', async () => {
    const records = [fullSignIn(), { id: 'second', 'odd\nkey': '\u2028' }, { id: 'third' }]
    await writeAll(records)
    const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8')).split('\n')
    expect(lines.pop()).toBe('')
    expect(lines.map(l => JSON.parse(l))).toEqual(records)
    const [, ...rows] = await readCsv('out.csv')
    const idIndex = columnsFor('interactive-sign-ins', 'all').findIndex(c => c.name === 'id')
    expect(rows.map(r => r[idIndex])).toEqual(['sign-in-1', 'second', 'third'])
  })

  it('writes the JSON Graph sent to JSONL unchanged when the merge passes it along', async () => {
    const sent = '{"id":"x","n":1.0,"s":"caf\\u00e9 \\/ é"}'
    const writer = await openRecordWriter({
      dir,
      baseName: 'out',
      logType: 'audit-logs',
      columns: columnsFor('audit-logs', 'default'),
      csv: true,
      jsonl: true,
      escapeFormulas: true,
      maxRowsPerFile: 1_000_000,
      bom: false
    })
    await writer.write(JSON.parse(sent) as GraphRecord, sent)
    await writer.close()
    expect(await readFile(join(dir, 'out.jsonl'), 'utf8')).toBe(sent + '\n')
  })

  it('reports sha256 and size equal to the bytes on disk', async () => {
    // Enough rows that files span several write chunks, and a small last part.
    const records = Array.from({ length: 301 }, fullAudit)
    const result = await writeAll(records, {
      logType: 'audit-logs',
      maxRowsPerFile: 300,
      bom: true
    })
    expect(result.files).toHaveLength(3)
    expect(result.files[0].bytes).toBeGreaterThan(100 * 1024)
    for (const file of result.files) {
      const bytes = await readFile(file.path)
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
      expect(file.bytes).toBe((await stat(file.path)).size)
    }
  })

  it('streams many records to disk with the right counts', async () => {
    const writer = await openRecordWriter({
      dir,
      baseName: 'many',
      logType: 'interactive-sign-ins',
      columns: columnsFor('interactive-sign-ins', 'default'),
      csv: true,
      jsonl: true,
      escapeFormulas: true,
      maxRowsPerFile: 30_000,
      bom: false
    })
    const record = fullSignIn()
    for (let i = 0; i < 50_000; i++) await writer.write({ ...record, id: `id-${i}` })
    const result = await writer.close()
    expect(result.files.map(f => f.rows)).toEqual([30_000, 20_000, 50_000])
    const rows = await readCsv('many.2.csv')
    expect(rows[rows.length - 1][0]).toBe('id-49999')
  })

  it.each([
    ['csv', 'out.csv'],
    ['jsonl', 'out.jsonl']
  ])('fails instead of hanging when the %s file cannot be written', async (format, name) => {
    await mkdir(join(dir, name))
    const writer = await openRecordWriter({
      dir,
      baseName: 'out',
      logType: 'interactive-sign-ins',
      columns: columnsFor('interactive-sign-ins', 'all'),
      csv: format === 'csv',
      jsonl: format === 'jsonl',
      escapeFormulas: true,
      maxRowsPerFile: 1_000_000,
      bom: false
    })
    // Like a producer waiting on Graph: the open error lands while nobody awaits a drain.
    await new Promise(resolve => setTimeout(resolve, 100))
    const attempt = (async () => {
      for (let i = 0; i < 20_000; i++) await writer.write(fullSignIn())
      return writer.close()
    })()
    // Something already at the file's name: refused, never opened.
    await expect(attempt).rejects.toThrow(/already exists/)
  })

  it('never writes through a link planted at a file name, nor over an existing file', async () => {
    const target = join(dir, 'outside.txt')
    await writeFile(target, 'keep me')
    await symlink(target, join(dir, 'out.csv'))
    await expect(writeAll([fullSignIn()])).rejects.toThrow(/out\.csv already exists/)
    expect(await readFile(target, 'utf8')).toBe('keep me')

    await rm(join(dir, 'out.csv'))
    await writeFile(join(dir, 'out.csv'), 'earlier export')
    await expect(writeAll([fullSignIn()])).rejects.toThrow(/already exists/)
    expect(await readFile(join(dir, 'out.csv'), 'utf8')).toBe('earlier export')
  })

  it('rejects options it cannot honour', async () => {
    const base = {
      dir,
      baseName: 'x',
      logType: 'audit-logs' as const,
      columns: columnsFor('audit-logs', 'default'),
      csv: true,
      jsonl: false,
      escapeFormulas: true,
      bom: false
    }
    await expect(openRecordWriter({ ...base, maxRowsPerFile: 0 })).rejects.toThrow('maxRowsPerFile')
    await expect(openRecordWriter({ ...base, maxRowsPerFile: 1.5 })).rejects.toThrow(
      'maxRowsPerFile'
    )
    await expect(
      openRecordWriter({ ...base, maxRowsPerFile: 5, baseName: '../escape' })
    ).rejects.toThrow('baseName')
  })
})
