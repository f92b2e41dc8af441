/**
 * Issue 14: every wait for a page ends. Headers that never come, a body that
 * stalls, a page whose budget runs out, a refused link, a token that cannot be
 * had, a nextLink that loops and endless empty pages all end in bounded time.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Chain, MAX_EMPTY_PAGES } from '../../src/export/chain.js'
import { systemClock } from '../../src/graph/clock.js'
import { GraphRequestError, TokenRequestError } from '../../src/graph/graph-errors.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import { createGraphTransport } from '../../src/graph/graph-transport.js'
import { Pacer } from '../../src/graph/pacer.js'
import { ByteArena } from '../../src/graph/page-body.js'
import { newCounters, type FetchContext } from '../../src/graph/fetch-context.js'
import { fetchPage } from '../../src/graph/page-reader.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/graph/retry-policy.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { describeWriteError, isWriteError } from '../../src/write-errors.js'

const GRAPH = 'https://graph.example.test'
const spec = LOG_TYPE_SPECS['audit-logs']
const quiet = { debug: () => {}, info: () => {}, warning: () => {} }

function context(transport: GraphTransport, policy: Partial<RetryPolicy>): FetchContext {
  return {
    transport,
    pacer: new Pacer({ rate: 1000, windowMs: 1000, maxConcurrency: 4, clock: systemClock }),
    clock: systemClock,
    policy: { ...DEFAULT_RETRY_POLICY, baseBackoffMs: 5, maxBackoffMs: 10, ...policy },
    logger: quiet,
    spec,
    cloud: 'public',
    counters: newCounters()
  }
}

/** Like fetch: pending until the signal aborts, then rejects with its reason. */
function untilAborted<T>(signal: AbortSignal): Promise<T> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

function response(status: number, body: AsyncIterable<Uint8Array>): PageResponse {
  return { status, headers: new Headers(), body, text: () => Promise.resolve('') }
}

function page(records: object[], nextLink?: string): PageResponse {
  const json = JSON.stringify({ value: records, '@odata.nextLink': nextLink })
  return response(
    200,
    (async function* () {
      yield Buffer.from(json)
    })()
  )
}

const never = new AbortController().signal

describe('a page attempt is bounded', () => {
  it('headers that never come: each attempt times out, then the page is given up', async () => {
    let calls = 0
    const ctx = context(
      {
        get: (_url, signal) => {
          calls++
          return untilAborted(signal)
        }
      },
      { headersTimeoutMs: 50, maxAttempts: 3 }
    )
    const started = Date.now()
    const error = await fetchPage(ctx, `${GRAPH}/v1.0/x`, true, never, new ByteArena()).catch(
      e => e
    )
    expect(error).toBeInstanceOf(GraphRequestError)
    expect((error as GraphRequestError).kind).toBe('fatal')
    expect((error as Error).message).toMatch(/3 attempts.*no response within 0.05 s/)
    expect(calls).toBe(3)
    expect(ctx.counters.faults.timeout).toBe(2)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('a body that stalls after its first bytes is a timeout, not a hang', async () => {
    const ctx = context(
      {
        get: (_url, signal) =>
          Promise.resolve(
            response(
              200,
              (async function* () {
                yield Buffer.from('{"value":[')
                await untilAborted(signal)
              })()
            )
          )
      },
      { bodyStallTimeoutMs: 50, maxAttempts: 2 }
    )
    const error = await fetchPage(ctx, `${GRAPH}/v1.0/x`, false, never, new ByteArena()).catch(
      e => e
    )
    expect((error as GraphRequestError).kind).toBe('chain-broken')
    expect((error as Error).message).toMatch(/body stalled for 0.05 s/)
    expect(ctx.counters.faults.timeout).toBe(1)
  })

  it('a slow body that keeps sending is not cut by the stall timeout', async () => {
    const ctx = context(
      {
        get: () =>
          Promise.resolve(
            response(
              200,
              (async function* () {
                for (const part of ['{"value":[', '{"id":"a"}', ']}']) {
                  await new Promise(resolve => setTimeout(resolve, 40))
                  yield Buffer.from(part)
                }
              })()
            )
          )
      },
      { bodyStallTimeoutMs: 80, maxAttempts: 1 }
    )
    const result = await fetchPage(ctx, `${GRAPH}/v1.0/x`, true, never, new ByteArena())
    expect(result.records).toHaveLength(1)
  })

  it("the page's time budget cuts an attempt that would outlast it", async () => {
    const ctx = context(
      { get: (_url, signal) => untilAborted(signal) },
      { headersTimeoutMs: 60_000, maxElapsedMs: 150, maxAttempts: 10 }
    )
    const started = Date.now()
    const error = await fetchPage(ctx, `${GRAPH}/v1.0/x`, true, never, new ByteArena()).catch(
      e => e
    )
    expect(error).toBeInstanceOf(GraphRequestError)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a link to another host is refused once, not retried', async () => {
    const transport = createGraphTransport({
      credential: { getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }) },
      graphEndpoint: GRAPH,
      scope: `${GRAPH}/.default`
    })
    const ctx = context(transport, {})
    const error = await fetchPage(
      ctx,
      'https://elsewhere.example.test/v1.0/x',
      false,
      never,
      new ByteArena()
    ).catch(e => e)
    expect((error as GraphRequestError).kind).toBe('fatal')
    expect((error as Error).message).toMatch(/Refusing to follow a link outside/)
    expect(ctx.counters.requests).toBe(1)
    expect(ctx.counters.retries).toBe(0)
  })

  it('an authentication error after the first token fails at once with its explanation', async () => {
    let calls = 0
    const ctx = context(
      {
        get: () => {
          calls++
          return Promise.reject(
            new TokenRequestError(
              new Error('The client secret of app X has expired (AADSTS7000222).')
            )
          )
        }
      },
      {}
    )
    const error = await fetchPage(ctx, `${GRAPH}/v1.0/x`, false, never, new ByteArena()).catch(
      e => e
    )
    expect((error as GraphRequestError).kind).toBe('fatal')
    expect((error as Error).message).toMatch(/could not get an access token: .*AADSTS7000222/)
    expect(calls).toBe(1)
  })
})

describe('a chain that would never end fails its log type', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chain-loop-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  function chain(transport: GraphTransport): Chain {
    const end = Date.parse('2026-10-05T00:00:00Z')
    return new Chain(
      {
        spec,
        graphEndpoint: GRAPH,
        extraFilter: '',
        pageSize: 10,
        window: { start: new Date(end - 3_600_000), end: new Date(end) },
        fetch: context(transport, {}),
        logger: quiet,
        onProgress: () => {},
        averageDensity: () => 0
      },
      end - 3_600_000,
      end,
      join(dir, 'chain.jsonl')
    )
  }

  it('a nextLink the chain already followed', async () => {
    let calls = 0
    const loop = `${GRAPH}/v1.0/auditLogs/directoryAudits?$skiptoken=same`
    const c = chain({
      get: () => {
        calls++
        return Promise.resolve(
          page([{ id: `r${calls}`, activityDateTime: '2026-10-04T23:30:00Z' }], loop)
        )
      }
    })
    await expect(c.run(never)).rejects.toThrow(/nextLink this query had already followed/)
    // The first query, the link once; the second time it is seen it is not followed.
    expect(calls).toBe(2)
  })

  it('more than the allowed empty pages in a row', async () => {
    let calls = 0
    const c = chain({
      get: () => {
        calls++
        return Promise.resolve(
          page([], `${GRAPH}/v1.0/auditLogs/directoryAudits?$skiptoken=${calls}`)
        )
      }
    })
    await expect(c.run(never)).rejects.toThrow(/empty pages in a row/)
    expect(calls).toBe(MAX_EMPTY_PAGES + 1)
  })

  it('a full temp directory fails the chain with the temp file named, not a crash', async () => {
    if (!existsSync('/dev/full')) return
    const path = join(dir, 'chain.jsonl')
    symlinkSync('/dev/full', path)
    const c = chain({
      get: () => Promise.resolve(page([{ id: 'a', activityDateTime: '2026-10-04T23:30:00Z' }]))
    })
    const error = await c.run(never).catch(e => e)
    expect(isWriteError(error)).toBe(true)
    if (!isWriteError(error)) return
    expect(describeWriteError(error)).toMatch(
      new RegExp(
        `^Could not write ${path}: disk full \\(no space left on the device\\) \\[ENOSPC\\]`
      )
    )
  })
})
