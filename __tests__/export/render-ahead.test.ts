/**
 * Render-ahead (src/export/render-ahead.ts): chains' records are made into rows
 * page by page, and the merge reads the rows instead of the records. Whatever
 * was rendered, the merge must write the same files, keep the same records,
 * count the same and observe the same parts in the same order as merging the
 * records themselves.
 */
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mergeChainFiles, type ChainFile, type MergeOptions } from '../../src/export/merge.js'
import { RenderAhead } from '../../src/export/render-ahead.js'
import type { Chain } from '../../src/export/chain.js'
import { createFindings } from '../../src/findings/create-findings.js'
import type { GraphRecord } from '../../src/records/graph-record.js'
import { IdSet } from '../../src/records/id-set.js'
import { columnsFor } from '../../src/output/columns.js'
import { openRecordWriter, type RecordWriter } from '../../src/output/record-writer.js'
import { allRecords, generateDataset } from '../fake-tenant/dataset.js'

const WINDOW = { start: '2026-03-01T00:00:00Z', end: '2026-03-03T00:00:00Z' }
const MS = (iso: string) => Date.parse(iso)

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'render-ahead-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const findings = createFindings({
  window: { start: new Date(WINDOW.start), end: new Date(WINDOW.end) },
  logTypes: ['interactive-sign-ins']
})
const part = (record: GraphRecord) => findings.observedPart('interactive-sign-ins', record)

function open(baseName: string, jsonl: boolean): Promise<RecordWriter> {
  return openRecordWriter({
    dir,
    baseName,
    logType: 'interactive-sign-ins',
    columns: columnsFor('interactive-sign-ins', 'default'),
    csv: true,
    jsonl,
    escapeFormulas: true,
    maxRowsPerFile: 150,
    bom: true
  })
}

/** Three chain files over the generated records, with what a merge must cope with. */
async function chainFiles(): Promise<Chain[]> {
  const records = allRecords(
    generateDataset({ seed: 3, window: WINDOW, count: 400, hostileFraction: 0.3 }),
    'interactive-sign-ins'
  ) as GraphRecord[]
  const thirds = [records.slice(0, 130), records.slice(130, 260), records.slice(260)]
  // The same record in two files, one twice in a file, one without an id, one without a time.
  thirds[1].push(thirds[0][5], thirds[1][0])
  thirds[2].push(
    { ...thirds[2][0], id: undefined },
    { ...thirds[2][1], id: 'untimed', createdDateTime: 'soon' }
  )
  return Promise.all(
    thirds.map(async (list, i) => {
      const tmpPath = join(dir, `chain-${i + 1}.jsonl`)
      await writeFile(tmpPath, list.map(r => JSON.stringify(r) + '\n').join(''))
      return { tmpPath } as Chain
    })
  )
}

function mergeOptions(observed: GraphRecord[], extra: Partial<MergeOptions> = {}): MergeOptions {
  return {
    timeField: 'createdDateTime',
    alreadyExported: new IdSet(),
    previousEndMs: MS('2026-03-01T12:00:00Z'),
    rememberFromMs: MS('2026-03-02T20:00:00Z'),
    observe: record => observed.push(record),
    ...extra
  }
}

/** Each file's name suffix and text (strings: jest compares a Buffer byte by byte, slowly). */
async function files(prefix: string): Promise<[string, string][]> {
  const names = (await readdir(dir)).filter(n => n.startsWith(`${prefix}.`)).sort()
  return Promise.all(
    names.map(
      async n => [n.slice(prefix.length), await readFile(join(dir, n), 'utf8')] as [string, string]
    )
  )
}

/** Merges the chains both ways; returns both results, files and observed parts. */
async function bothWays(
  chains: Chain[],
  rendering: RenderAhead,
  jsonl: boolean,
  extra: (ids: IdSet) => Partial<MergeOptions> = () => ({})
) {
  const direct = await open('direct', jsonl)
  const observedDirect: GraphRecord[] = []
  const exported = new IdSet()
  const directResult = await mergeChainFiles(
    chains.map(c => ({ path: c.tmpPath })),
    new IdSet(),
    direct,
    mergeOptions(observedDirect, { alreadyExported: exported, ...extra(exported) })
  )
  await direct.close()
  const viaRows = await open('rows', jsonl)
  const observedRows: GraphRecord[] = []
  const withRows: ChainFile[] = await Promise.all(
    chains.map(async c => ({ path: c.tmpPath, rows: await rendering.rowsOf(c) }))
  )
  const rowsResult = await mergeChainFiles(
    withRows,
    new IdSet(),
    viaRows,
    mergeOptions(observedRows, { alreadyExported: exported, ...extra(exported) })
  )
  await viaRows.close()
  return {
    withRows,
    results: [directResult, rowsResult],
    files: [await files('direct'), await files('rows')],
    observed: [observedDirect.map(part), observedRows]
  }
}

function renderer(writer: Promise<RecordWriter>, going: () => boolean = () => true): RenderAhead {
  return new RenderAhead({
    render: async () => {
      const w = await writer
      return w.render.bind(w)
    },
    observedPart: part,
    timeField: 'createdDateTime',
    going
  })
}

describe('render-ahead', () => {
  it.each([false, true])(
    'merges rows into the same files, counts and observations (JSONL %s)',
    async jsonl => {
      const chains = await chainFiles()
      const sink = open('renderer', jsonl)
      const rendering = renderer(sink)
      for (const chain of chains) rendering.finish(chain)
      const { withRows, results, files, observed } = await bothWays(
        chains,
        rendering,
        jsonl,
        () => ({
          onlyRanges: [{ startMs: MS('2026-03-01T06:00:00Z'), endMs: MS('2026-03-02T22:00:00Z') }],
          lateExcept: [{ startMs: MS('2026-03-01T06:00:00Z'), endMs: MS('2026-03-01T08:00:00Z') }]
        })
      )
      await (await sink).abort()
      expect(withRows.every(f => f.rows !== undefined)).toBe(true)
      expect(results[1]).toEqual(results[0])
      expect(results[0].duplicates).toBeGreaterThan(0)
      expect(results[0].lateRecords).toBeGreaterThan(0)
      expect(results[0].rememberedIds.length).toBeGreaterThan(0)
      expect(files[1]).toEqual(files[0])
      expect(files[0].length).toBeGreaterThan(2)
      expect(observed[1]).toEqual(observed[0])
      expect(observed[0].length).toBe(results[0].rows)
    }
  )

  it('keeps ids an earlier run exported out, as the record path does', async () => {
    const chains = await chainFiles()
    const sink = open('renderer', false)
    const rendering = renderer(sink)
    for (const chain of chains) rendering.finish(chain)
    const first = JSON.parse(
      (await readFile(chains[1].tmpPath, 'utf8')).split('\n')[3]
    ) as GraphRecord
    const { results, files } = await bothWays(chains, rendering, false, exported => {
      exported.add(first.id as string)
      return {}
    })
    await (await sink).abort()
    expect(results[0].previouslyExported).toBe(1)
    expect(results[1]).toEqual(results[0])
    expect(files[1]).toEqual(files[0])
  })

  it('renders page by page as a chain file grows, and ends with every line', async () => {
    const [chain] = await chainFiles()
    const text = await readFile(chain.tmpPath, 'utf8')
    const lines = text.split('\n').filter(Boolean)
    await writeFile(chain.tmpPath, '')
    const sink = open('renderer', true)
    const rendering = renderer(sink)
    // Pieces cut anywhere, mostly inside a line: a line half written when a page is rendered
    // must be read again, whole, the next time.
    for (let at = 0; at < text.length; at += 7001) {
      await appendFile(chain.tmpPath, text.slice(at, at + 7001))
      rendering.progress(chain)
      await rendering.settled()
    }
    rendering.finish(chain)
    const rows = await rendering.rowsOf(chain)
    await (await sink).abort()
    expect(rows).toBeDefined()
    const rowLines = (await readFile(rows as string, 'utf8')).split('\n').filter(Boolean)
    expect(rowLines.map(l => (JSON.parse(l) as [string])[0])).toEqual(
      lines.map(l => (JSON.parse(l) as { id: string }).id)
    )
  })

  it('leaves a chain whose record cannot be rendered to the record path, which names the error', async () => {
    const chains = await chainFiles()
    const sink = open('renderer', false)
    const failing = new RenderAhead({
      render: async () => {
        const w = await sink
        return record => {
          if (record.id === 'untimed') throw new Error('record untimed could not be written: no')
          return w.render(record)
        }
      },
      observedPart: part,
      timeField: 'createdDateTime',
      going: () => true
    })
    for (const chain of chains) failing.finish(chain)
    const rows = await Promise.all(chains.map(c => failing.rowsOf(c)))
    await (await sink).abort()
    expect(rows.map(r => r !== undefined)).toEqual([true, true, false])
    // The half-written rows file is gone.
    expect((await readdir(dir)).filter(n => n.endsWith('.rows')).sort()).toEqual([
      'chain-1.jsonl.rows',
      'chain-2.jsonl.rows'
    ])
    const { results, files } = await bothWays(chains, failing, false)
    expect(results[1]).toEqual(results[0])
    expect(files[1]).toEqual(files[0])
  })

  it('renders nothing once the log type stops going', async () => {
    const chains = await chainFiles()
    let going = true
    const sink = open('renderer', false)
    const rendering = renderer(sink, () => going)
    rendering.finish(chains[0])
    expect(await rendering.rowsOf(chains[0])).toBeDefined()
    going = false
    rendering.finish(chains[1])
    expect(await rendering.rowsOf(chains[1])).toBeUndefined()
    expect(await rendering.rowsOf(chains[2])).toBeUndefined()
    await (await sink).abort()
  })

  it('fails the merge when a rows file and its chain file disagree', async () => {
    const chains = await chainFiles()
    const sink = open('renderer', true)
    const rendering = renderer(sink)
    rendering.finish(chains[0])
    const rows = (await rendering.rowsOf(chains[0])) as string
    await (await sink).abort()
    await appendFile(chains[0].tmpPath, JSON.stringify({ id: 'extra' }) + '\n')
    const writer = await open('out', true)
    await expect(
      mergeChainFiles([{ path: chains[0].tmpPath, rows }], new IdSet(), writer, mergeOptions([]))
    ).rejects.toThrow(/fewer rows than records/)
    await writer.abort()
  })
})
