/**
 * The door to the hot path: a PageReader hands out pages of records and writes
 * the kept ones as the bytes Graph sent, and guards the buffer it reuses (a
 * page it has moved past cannot write; it cannot read while a write is out).
 */
import { systemClock } from '../../src/graph/clock.js'
import { newCounters, type FetchContext } from '../../src/graph/fetch-context.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import { Pacer } from '../../src/graph/pacer.js'
import { PageReader, type Page } from '../../src/graph/page-reader.js'
import { DEFAULT_RETRY_POLICY } from '../../src/graph/retry-policy.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'

const GRAPH = 'https://graph.example.test'

/** Serves `bodies` in turn, each in small chunks so records straddle them. */
function transport(bodies: string[]): GraphTransport {
  let n = 0
  return {
    get(): Promise<PageResponse> {
      const bytes = Buffer.from(bodies[n++ % bodies.length])
      return Promise.resolve({
        status: 200,
        headers: new Headers(),
        text: () => Promise.resolve(bytes.toString()),
        body: (async function* () {
          for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7)
        })()
      })
    }
  }
}

function reader(bodies: string[]): PageReader {
  const ctx: FetchContext = {
    transport: transport(bodies),
    pacer: new Pacer({ rate: 1000, windowMs: 1000, maxConcurrency: 4, clock: systemClock }),
    clock: systemClock,
    policy: DEFAULT_RETRY_POLICY,
    logger: { debug: () => {}, info: () => {}, warning: () => {} },
    spec: LOG_TYPE_SPECS['audit-logs'],
    cloud: 'public',
    counters: newCounters()
  }
  return new PageReader(ctx)
}

const never = new AbortController().signal
const a = '{"id":"a","activityDateTime":"2026-10-05T10:00:01Z","x":"é\\"}"}'
const b = '{\n "id": "b",\n "activityDateTime": "2026-10-05T10:00:00.5Z"\n}'
const c = '{"id":"c"}'

async function lines(page: Page, indexes: number[]): Promise<string> {
  const out: Buffer[] = []
  await page.writeLines(indexes, async (bytes: Buffer) => {
    out.push(Buffer.from(bytes))
  })
  return Buffer.concat(out).toString('utf8')
}

describe('PageReader', () => {
  it("hands out each record's id and time, the nextLink, and the kept records' bytes as sent", async () => {
    const r = reader([`{"@odata.nextLink":"${GRAPH}/next","value":[${a},${b},${c}]}`])
    const page = await r.read(`${GRAPH}/v1.0/x`, true, never)
    expect(page.records).toEqual([
      { id: 'a', timeMs: Date.parse('2026-10-05T10:00:01Z') },
      { id: 'b', timeMs: Date.parse('2026-10-05T10:00:00.5Z') },
      { id: 'c', timeMs: Number.NaN }
    ])
    expect(page.nextLink).toBe(`${GRAPH}/next`)
    // A record Graph spread over lines becomes one line; the others are the bytes received.
    expect(await lines(page, [0, 1, 2])).toBe(`${a}\n${JSON.stringify(JSON.parse(b))}\n${c}\n`)
    expect(await lines(page, [2])).toBe(`${c}\n`)
    expect(await lines(page, [])).toBe('')
  })

  it('a page it has moved past refuses to write (its bytes are gone)', async () => {
    const r = reader([`{"value":[${a}]}`, `{"value":[${c}]}`])
    const first = await r.read(`${GRAPH}/v1.0/x`, true, never)
    const second = await r.read(`${GRAPH}/v1.0/y`, false, never)
    await expect(lines(first, [0])).rejects.toThrow(/after the next page was read/)
    expect(await lines(second, [0])).toBe(`${c}\n`)
  })

  it('refuses to read while the last page is being written', async () => {
    const r = reader([`{"value":[${a}]}`])
    const page = await r.read(`${GRAPH}/v1.0/x`, true, never)
    let finish: () => void = () => {}
    const writing = page.writeLines([0], () => new Promise<void>(resolve => (finish = resolve)))
    await expect(r.read(`${GRAPH}/v1.0/y`, false, never)).rejects.toThrow(/being written/)
    finish()
    await writing
    await expect(r.read(`${GRAPH}/v1.0/y`, false, never)).resolves.toBeDefined()
  })
})
