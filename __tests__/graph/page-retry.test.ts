/**
 * The retry loop alone, in virtual time (ManualClock): what it waits, how often
 * it tries, when it gives up and as what, with a scripted transport and a
 * trivial body reader. The watchdogs run on the same clock, so a request that
 * never answers times out after exactly its budget without a real wait.
 */
import { GraphRequestError, TokenRequestError } from '../../src/graph/graph-errors.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import { newCounters, type FetchContext } from '../../src/graph/fetch-context.js'
import { Pacer } from '../../src/graph/pacer.js'
import { retryRequest, type ReadBody } from '../../src/graph/page-retry.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/graph/retry-policy.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { ManualClock } from '../support/manual-clock.js'

const URL0 = 'https://graph.example.test/v1.0/auditLogs/directoryAudits?$top=10'
const quiet = { debug: () => {}, info: () => {}, warning: () => {} }

type Step = PageResponse | Error | 'hang'

function reply(status: number, body = '', headers: Record<string, string> = {}): PageResponse {
  return { status, headers: new Headers(headers), body: null, text: () => Promise.resolve(body) }
}

function graphError(code: string, message = code): string {
  return JSON.stringify({ error: { code, message } })
}

/** Answers call n with steps[n] (the last step repeats); records each call's URL and virtual time. */
function scripted(
  clock: ManualClock,
  steps: Step[]
): GraphTransport & { calls: { url: string; at: number }[] } {
  const calls: { url: string; at: number }[] = []
  return {
    calls,
    get(url, signal) {
      calls.push({ url, at: clock.now() })
      const step = steps[Math.min(calls.length - 1, steps.length - 1)]
      if (step === 'hang') {
        return new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true })
        })
      }
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step)
    }
  }
}

function setup(
  steps: Step[],
  policy: Partial<RetryPolicy> = {},
  extra: Partial<FetchContext> = {}
) {
  const clock = new ManualClock(Date.parse('2026-10-06T00:00:00Z'))
  const transport = scripted(clock, steps)
  const ctx: FetchContext = {
    transport,
    pacer: new Pacer({ rate: 1000, windowMs: 1000, maxConcurrency: 4, clock }),
    clock,
    policy: { ...DEFAULT_RETRY_POLICY, ...policy },
    logger: quiet,
    spec: LOG_TYPE_SPECS['audit-logs'],
    cloud: 'public',
    counters: newCounters(),
    random: () => 0.5,
    ...extra
  }
  return { clock, transport, ctx }
}

const readText: ReadBody<string> = async response => ({ ok: true, value: await response.text() })
const never = new AbortController().signal

/** Runs the loop to its end in virtual time; resolves to its value or its error. */
async function run(
  clock: ManualClock,
  ctx: FetchContext,
  firstPage = true
): Promise<{ value?: string; error?: unknown; ms: number }> {
  const start = clock.now()
  let settled: { value?: string; error?: unknown } | undefined
  retryRequest(ctx, URL0, firstPage, never, readText).then(
    value => (settled = { value }),
    (error: unknown) => (settled = { error })
  )
  for (let i = 0; !settled && i < 10_000; i++) await clock.advance(100)
  if (!settled) throw new Error('the loop did not end')
  return { ...settled, ms: clock.now() - start }
}

describe('retryRequest', () => {
  it("waits out a 429's Retry-After, then returns the page and counts the throttling", async () => {
    const { clock, transport, ctx } = setup([
      reply(429, graphError('TooManyRequests'), { 'retry-after': '7' }),
      reply(200, 'page')
    ])
    const result = await run(clock, ctx)
    expect(result.value).toBe('page')
    expect(transport.calls).toHaveLength(2)
    expect(transport.calls[1].at - transport.calls[0].at).toBeGreaterThanOrEqual(7000)
    expect(transport.calls[1].at - transport.calls[0].at).toBeLessThan(7200)
    expect(ctx.counters).toMatchObject({
      requests: 2,
      pages: 1,
      retries: 1,
      throttled: 1,
      throttledWaitMs: 7000,
      faults: { throttled: 1 }
    })
    // Every watchdog and wait is gone once the page is back.
    expect(clock.pendingTimers).toBe(0)
  })

  it('tells the pacer when the request left, so its start counts from then', async () => {
    const clock = new ManualClock(Date.parse('2026-10-06T00:00:00Z'))
    // A transport whose request leaves 300 ms after it is handed over (a token renewal, a handshake).
    const transport: GraphTransport = {
      async get(_url, signal, onSent) {
        await clock.sleep(300, signal)
        onSent?.()
        return reply(200, 'page')
      }
    }
    const pacer = new Pacer({ rate: 1, windowMs: 10_000, marginMs: 250, maxConcurrency: 4, clock })
    const { ctx } = setup([], {}, { transport, pacer, clock })
    const result = await run(clock, ctx)
    expect(result.value).toBe('page')
    // Granted at 0, sent at 300: the next start waits for 300 + 10,000 + 250, not 10,250.
    const now = clock.now() - Date.parse('2026-10-06T00:00:00Z')
    expect(pacer.msUntilStart(1)).toBe(10_550 - now)
  })

  it('backs off exponentially on 5xx and gives up after maxAttempts: fatal on a first page, chain-broken after', async () => {
    for (const firstPage of [true, false]) {
      const { clock, transport, ctx } = setup([reply(503, graphError('ServiceUnavailable'))], {
        maxAttempts: 4,
        baseBackoffMs: 1000,
        maxBackoffMs: 60_000
      })
      const result = await run(clock, ctx, firstPage)
      expect(result.error).toBeInstanceOf(GraphRequestError)
      const error = result.error as GraphRequestError
      expect(error.kind).toBe(firstPage ? 'fatal' : 'chain-broken')
      expect(error.status).toBe(503)
      expect(error.message).toMatch(
        /giving up on a page after 4 attempts.*HTTP 503 ServiceUnavailable/
      )
      expect(transport.calls).toHaveLength(4)
      // random 0.5: attempt n waits midway between base/2 and base * 2^n.
      const gaps = transport.calls.slice(1).map((c, i) => c.at - transport.calls[i].at)
      expect(gaps.map(g => Math.round(g / 50) * 50)).toEqual([750, 1250, 2250])
      expect(ctx.counters.faults).toEqual({ 'server-error': 3 })
    }
  })

  it('a request that never answers times out on the virtual clock after headersTimeoutMs, each attempt', async () => {
    const { clock, transport, ctx } = setup(['hang'], {
      headersTimeoutMs: 120_000,
      maxAttempts: 2,
      baseBackoffMs: 1000
    })
    const result = await run(clock, ctx)
    const error = result.error as GraphRequestError
    expect(error).toBeInstanceOf(GraphRequestError)
    expect(error.code).toBe('timeout')
    expect(error.message).toMatch(/after 2 attempts.*no response within 120 s/)
    expect(transport.calls).toHaveLength(2)
    expect(transport.calls[1].at - transport.calls[0].at).toBeGreaterThanOrEqual(120_000)
    expect(result.ms).toBeGreaterThanOrEqual(240_000)
    expect(result.ms).toBeLessThan(245_000)
  })

  it("gives up within the page's time budget, waits for a slot included", async () => {
    const { clock, ctx } = setup([reply(500)], {
      maxAttempts: 100,
      maxElapsedMs: 30_000,
      baseBackoffMs: 1000,
      maxBackoffMs: 8000
    })
    const result = await run(clock, ctx)
    expect((result.error as GraphRequestError).message).toMatch(/giving up on a page/)
    expect(result.ms).toBeLessThanOrEqual(30_000)
  })

  it('asks the caller for a narrower URL after a timeout, and retries that', async () => {
    const narrower = `${URL0}&narrower`
    const { clock, transport, ctx } = setup(
      ['hang', reply(200, 'page')],
      {
        requestTimeoutMs: 5000
      },
      { onTimeout: () => narrower }
    )
    const result = await run(clock, ctx)
    expect(result.value).toBe('page')
    expect(transport.calls.map(c => c.url)).toEqual([URL0, narrower])
    expect(ctx.counters.faults).toEqual({ timeout: 1 })
  })

  it('retries the transient licence 403 licenceRetries times, then fails naming the licence', async () => {
    const { clock, transport, ctx } = setup(
      [reply(403, graphError('Authentication_RequestFromNonPremiumTenantOrB2CTenant'))],
      { licenceRetries: 2 }
    )
    const result = await run(clock, ctx)
    expect(transport.calls).toHaveLength(3)
    expect((result.error as GraphRequestError).status).toBe(403)
    expect((result.error as GraphRequestError).kind).toBe('fatal')
  })

  it('does not retry a missing permission, nor a broken skip token (the chain restarts instead)', async () => {
    const denied = setup([reply(403, graphError('Authentication_MSGraphPermissionMissing'))])
    const deniedResult = await run(denied.clock, denied.ctx)
    expect(denied.transport.calls).toHaveLength(1)
    expect((deniedResult.error as GraphRequestError).kind).toBe('fatal')

    const skip = setup([reply(400, graphError('BadRequest', 'Invalid Skip Token'))])
    const skipResult = await run(skip.clock, skip.ctx, false)
    expect(skip.transport.calls).toHaveLength(1)
    expect((skipResult.error as GraphRequestError).kind).toBe('chain-broken')
  })

  it('fails at once, as auth, when no token can be had (not retried as a page fault)', async () => {
    const { clock, transport, ctx } = setup([new TokenRequestError(new Error('AADSTS700016'))])
    const result = await run(clock, ctx)
    expect(transport.calls).toHaveLength(1)
    expect(result.error).toBeInstanceOf(GraphRequestError)
    expect((result.error as GraphRequestError).code).toBe('auth')
    expect((result.error as GraphRequestError).message).toMatch(
      /could not get an access token: AADSTS700016/
    )
  })

  it('retries a reset and a body the reader rejects', async () => {
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    })
    const { clock, transport, ctx } = setup([reset, reply(200, 'cut'), reply(200, 'page')])
    let reads = 0
    const picky: ReadBody<string> = async response => {
      const text = await response.text()
      reads++
      return text === 'page'
        ? { ok: true, value: text }
        : { ok: false, retry: true, kind: 'bad-body', error: new Error('cut short') }
    }
    let value: string | undefined
    void retryRequest(ctx, URL0, true, never, picky).then(v => (value = v))
    for (let i = 0; value === undefined && i < 1000; i++) await clock.advance(100)
    expect(value).toBe('page')
    expect(reads).toBe(2)
    expect(transport.calls).toHaveLength(3)
    expect(ctx.counters.faults).toEqual({ network: 1, 'bad-body': 1 })
  })
})
