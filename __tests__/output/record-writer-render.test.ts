/**
 * RecordSink.render and writeRendered (export renders rows while chains still
 * read, then writes them at the merge): a rendered row must write exactly the
 * bytes, counts and warnings that writing the record itself would.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ColumnSet, LogTypeName } from '../../src/settings.js'
import { EXCEL_MAX_CELL } from '../../src/output/cell.js'
import type { GraphRecord } from '../../src/records/graph-record.js'
import { columnsFor } from '../../src/output/columns.js'
import { openRecordWriter, type RecordWriterOptions } from '../../src/output/record-writer.js'
import { fullActivity, fullAudit, fullProvisioning, fullSignIn, HOSTILE } from './sample-records.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-writer-render-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function options(
  baseName: string,
  logType: LogTypeName,
  set: ColumnSet,
  overrides: Partial<RecordWriterOptions>
): RecordWriterOptions {
  return {
    dir,
    baseName,
    logType,
    columns: columnsFor(logType, set),
    csv: true,
    jsonl: true,
    escapeFormulas: true,
    maxRowsPerFile: 1_000_000,
    bom: true,
    ...overrides
  }
}

/** Writes `records` both ways; returns each way's result and its files' bytes by name suffix. */
async function bothWays(
  records: GraphRecord[],
  logType: LogTypeName,
  set: ColumnSet,
  overrides: Partial<RecordWriterOptions> = {}
) {
  const direct = await openRecordWriter(options('direct', logType, set, overrides))
  const rendered = await openRecordWriter(options('rendered', logType, set, overrides))
  // Rendered by a third writer of the same log type: export renders with whichever sink it has.
  const renderer = await openRecordWriter(options('renderer', logType, set, overrides))
  for (const record of records) {
    const json = JSON.stringify(record)
    await direct.write(record, json)
    await rendered.writeRendered(renderer.render(record), json)
  }
  const results = { direct: await direct.close(), rendered: await rendered.close() }
  await renderer.abort()
  const files = async (prefix: string) => {
    const names = (await readdir(dir)).filter(name => name.startsWith(`${prefix}.`)).sort()
    return Promise.all(
      names.map(async name => [name.slice(prefix.length), await readFile(join(dir, name))])
    )
  }
  return { results, direct: await files('direct'), rendered: await files('rendered') }
}

function records(make: () => Record<string, unknown>, n: number): GraphRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    ...make(),
    id: `r${i}`,
    // A field no column knows on some records, and a cell too long for a spreadsheet on others.
    ...(i % 3 === 0 ? { addedByGraph: HOSTILE[i % HOSTILE.length] } : {}),
    ...(i % 4 === 1 ? { correlationId: 'x'.repeat(EXCEL_MAX_CELL + 10) } : {})
  }))
}

describe('render then writeRendered', () => {
  const cases: [LogTypeName, () => Record<string, unknown>][] = [
    ['interactive-sign-ins', fullSignIn],
    ['audit-logs', fullAudit],
    ['provisioning-logs', fullProvisioning],
    ['service-principal-activity', fullActivity]
  ]
  it.each(cases)('writes the same %s files as write, byte for byte', async (logType, make) => {
    for (const set of ['default', 'all'] as ColumnSet[]) {
      const { results, direct, rendered } = await bothWays(records(make, 12), logType, set, {
        maxRowsPerFile: 5
      })
      expect(rendered).toEqual(direct)
      expect(direct.map(([suffix]) => suffix)).toEqual(['.2.csv', '.3.csv', '.csv', '.jsonl'])
      const strip = (r: typeof results.direct) => ({
        ...r,
        files: r.files.map(f => ({ ...f, path: f.path.replace(/.*\/\w+\./, '') }))
      })
      expect(strip(results.rendered)).toEqual(strip(results.direct))
      expect(results.direct.rows).toBe(12)
      for (const name of await readdir(dir)) await rm(join(dir, name))
    }
  })

  it('counts truncated cells and unknown fields as write does', async () => {
    const { results } = await bothWays(records(fullSignIn, 8), 'interactive-sign-ins', 'all')
    expect(results.rendered.truncatedCells).toBe(results.direct.truncatedCells)
    expect(results.direct.truncatedCells).toBeGreaterThan(0)
    expect(results.rendered.unknownFields).toEqual(['addedByGraph'])
    expect(results.direct.unknownFields).toEqual(['addedByGraph'])
  })

  it('writes only what the formats ask for', async () => {
    for (const [csv, jsonl] of [
      [true, false],
      [false, true]
    ]) {
      const { direct, rendered } = await bothWays(records(fullAudit, 3), 'audit-logs', 'default', {
        csv,
        jsonl,
        bom: false
      })
      expect(rendered).toEqual(direct)
      expect(direct.map(([suffix]) => suffix)).toEqual(csv ? ['.csv'] : ['.jsonl'])
      for (const name of await readdir(dir)) await rm(join(dir, name))
    }
  })

  it('names a record that cannot be made into a row, as write does', async () => {
    const writer = await openRecordWriter(options('x', 'audit-logs', 'default', {}))
    const record = { id: 'bad-1' } as GraphRecord
    Object.defineProperty(record, 'activityDisplayName', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable')
      }
    })
    const direct = await writer.write(record).catch((error: Error) => error.message)
    const rendered = (() => {
      try {
        writer.render(record)
        return 'no error'
      } catch (error) {
        return (error as Error).message
      }
    })()
    expect(rendered).toBe('record bad-1 could not be written: unreadable')
    expect(rendered).toBe(direct)
    await writer.abort()
  })
})
