/**
 * Issue 18: a chain that takes over from another (a hand-off's older range, or a
 * hedge's re-read), or is split from it, goes on with the run of density the other
 * was in. A burst found late was otherwise handed on a page or two at a time:
 * every new chain trusted its first page's density for a page and a half only, and
 * expected the rest of its range at the log type's (much lower) average. Scripted
 * Graph answers, so the estimates are exact.
 */
import { Chain } from '../../src/export/chain.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import { scriptedAuditChain, scriptedResponse } from '../support/scripted-chain.js'

const S = 1000
const BASE = Date.parse('2026-10-05T00:00:00Z')
const END = BASE + 36_000 * S
const PAGE = 1000
const NEXT = 'https://graph.test/v1.0/auditLogs/directoryAudits?$skiptoken='

const response = (body: unknown): PageResponse => scriptedResponse(200, body)

/** Pages of one record a second, newest first, from `topS` (seconds after BASE) down; then an empty page. */
function burstGraph(topS: number, pages: number): GraphTransport {
  return {
    get: async url => {
      const page = Number(new URL(url).searchParams.get('$skiptoken') ?? 0)
      if (page >= pages) return response({ value: [] })
      const value = Array.from({ length: PAGE }, (_, i) => {
        const s = topS - page * PAGE - i - 0.5
        return { id: `r${s}`, activityDateTime: new Date(BASE + s * S).toISOString() }
      })
      return response({ value, '@odata.nextLink': `${NEXT}${page + 1}` })
    }
  }
}

/** An audit-log chain over [BASE, endMs) reading from `transport`, with a quiet average of 1 record per 100 s. */
function chainOver(endMs: number, transport: GraphTransport, onProgress = (): void => {}): Chain {
  const window = { start: new Date(BASE), end: new Date(END) }
  const averageDensity = (): number => 1 / (100 * S)
  return scriptedAuditChain({
    transport,
    window,
    endMs,
    pageSize: PAGE,
    averageDensity,
    onProgress
  })
}

/** What the chain expects below its position once it has read its first page (it stops there). */
async function estimateAfterFirstPage(
  make: (onProgress: () => void) => Chain,
  before: (chain: Chain) => void = () => {}
): Promise<number> {
  const stop = new AbortController()
  let estimate: number | undefined
  const chain: Chain = make(() => {
    estimate ??= chain.remainingEstimate()
    stop.abort()
  })
  before(chain)
  await chain.run(stop.signal).catch(() => undefined)
  return estimate as number
}

it('goes on with the run of density of the chain it takes over from', async () => {
  // The chain handing off has read three pages of a burst, one record a second, from the top of its range.
  const parent = chainOver(END, burstGraph(36_000, 3))
  await parent.run(new AbortController().signal)
  expect(parent.kept).toBe(3 * PAGE)
  // Its older range goes on from 3,000 s below the top: the burst goes on there too.
  const handedOffEnd = END - 3 * PAGE * S
  const older = (onProgress: () => void): Chain =>
    chainOver(handedOffEnd, burstGraph(33_000, 2), onProgress)
  // Fresh, the chain trusts its first page for 1.6 pages' span (1,600 s): 1,600 records,
  // then the quiet average over the 30,400 s left, 304 more.
  expect(await estimateAfterFirstPage(older)).toBeCloseTo(1_600 + 304, -1)
  // Carried over, the burst has lasted 4,000 s above the chain's position, so it is
  // expected to last 4,000 s more: 4,000 records, then 280 at the quiet average.
  expect(await estimateAfterFirstPage(older, chain => chain.continueRegime(parent))).toBeCloseTo(
    4_000 + 280,
    -1
  )
})

it("counts the run from a split's own top, not across the gap above it", async () => {
  // The parent has read three pages of a burst from the top of its range (a run of 3,000 s).
  const parent = chainOver(END, burstGraph(36_000, 3))
  await parent.run(new AbortController().signal)
  // A split's range starts 2,000 s below the parent's position, and the burst goes on there.
  const gapMs = 2_000 * S
  const splitEnd = parent.positionMs - gapMs
  const split = (onProgress: () => void): Chain =>
    chainOver(splitEnd, burstGraph(31_000, 2), onProgress)
  // The run seen for 3,000 s, counted from the split's top, has lasted 4,000 s once its
  // first page is in: 4,000 records, then 260 at the quiet average over the 26,000 s left.
  expect(
    await estimateAfterFirstPage(split, chain => chain.continueRegime(parent, gapMs))
  ).toBeCloseTo(4_000 + 260, -1)
  // Counted across the unread gap, the run would have lasted 6,000 s: 6,000 records then 240,
  // though nothing below the parent's position has been seen to be part of it.
  expect(await estimateAfterFirstPage(split, chain => chain.continueRegime(parent))).toBeCloseTo(
    6_000 + 240,
    -1
  )
})
