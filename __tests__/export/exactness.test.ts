/**
 * Issue 4: every record in the window exactly once, through every fault the
 * simulated Graph can produce, with the manifest's counters matching what the
 * server actually did.
 */
import { expectedIds, recordTime, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import type { GraphFaults } from '../fake-tenant/index.js'
import { csvIds, exportWith, testSettings } from '../support/export-harness.js'
import type { LogTypeName } from '../../src/settings.js'

const NOW = new Date('2026-10-06T12:00:00Z')
const TYPES: LogTypeName[] = ['service-principal-sign-ins', 'audit-logs']

async function tenantWith(faults: GraphFaults, extra: { tokenLifetimeSec?: number } = {}) {
  return startFakeTenant({
    now: NOW,
    dataset: { count: 400 },
    tokenLifetimeSec: extra.tokenLifetimeSec,
    graph: { throttle: false, faults, faultRetryAfterSec: 0.02, faultSeed: 7 }
  })
}

function expectExact(
  tenant: FakeTenant,
  ids: string[],
  logType: LogTypeName,
  window: { start: Date; end: Date }
) {
  const expected = expectedIds(tenant.dataset, logType, window)
  expect(expected.length).toBeGreaterThan(0)
  expect(new Set(ids).size).toBe(ids.length) // nothing duplicated
  expect([...ids].sort()).toEqual([...expected].sort()) // nothing lost, nothing extra
}

describe('exactly once under faults', () => {
  const cases: [string, GraphFaults][] = [
    ['429 throttling', { rate429: 0.3 }],
    ['5xx errors', { rate500: 0.1, rate502: 0.1, rate503: 0.1, rate504: 0.1 }],
    ['connection resets after headers', { rateReset: 0.2 }],
    ['truncated bodies', { rateTruncated: 0.2 }],
    ['invalid skip tokens mid-chain', { invalidSkipTokenAt: [2, 5, 9] }],
    ['short and empty pages with nextLink', { shortPages: 0.4 }],
    ['server-side duplicate records', { duplicateRate: 0.1 }]
  ]

  it.each(cases)('%s', async (_name, faults) => {
    const tenant = await tenantWith(faults)
    try {
      const settings = testSettings(tenant, { logTypes: TYPES })
      const { result } = await exportWith(tenant, settings)
      for (const type of TYPES) {
        const entry = result.logTypes.find(t => t.logType === type)!
        expect(entry.status).toBe('ok')
        expectExact(tenant, csvIds(result, type), type, settings.window)
        expect(entry.rows).toBe(expectedIds(tenant.dataset, type, settings.window).length)
      }
      const sum = (f: (t: (typeof result.logTypes)[number]) => number) =>
        result.logTypes.reduce((n, t) => n + f(t), 0)
      const served = tenant.graph.counters
      // Every request the server saw is one we counted, and every fault it injected is a retry we
      // counted. A request can also end before the server sees it: the losing side of a hedge race
      // is aborted (counted as a speculative request), or it was sent on a kept-alive socket the
      // server had just closed after a fault (a network fault we counted and retried). Nothing else
      // may go unseen.
      const unseen = sum(t => t.counters.requests) - served.requests
      expect(unseen).toBeGreaterThanOrEqual(0)
      expect(unseen).toBeLessThanOrEqual(
        sum(t => (t.counters.faults.network ?? 0) + (t.tail?.speculativeRequests ?? 0))
      )
      const injected = served.faults as Record<string, number>
      if (faults.rate429) {
        // Every 429 the server sent is one we counted, unless it answered the losing side of
        // a hedge race, aborted before its answer was read (on a busy machine a page can run
        // late enough to be hedged).
        const sent = served.throttled + (injected['429'] ?? 0)
        const counted = sum(t => t.counters.throttled)
        expect(counted).toBeLessThanOrEqual(sent)
        expect(counted).toBeGreaterThanOrEqual(sent - sum(t => t.tail?.speculativeRequests ?? 0))
      }
      if (faults.invalidSkipTokenAt) {
        expect(sum(t => t.chainRestarts)).toBe(injected.invalidSkipToken)
        expect(injected.invalidSkipToken).toBe(3)
      }
      if (faults.duplicateRate) {
        expect(sum(t => t.duplicatesDropped)).toBeGreaterThan(0)
      }
      // Faults that fail a request are each one retry; short pages and duplicates are not failures.
      const failing = Object.entries(injected)
        .filter(([kind]) => !['shortPage', 'duplicate', 'invalidSkipToken'].includes(kind))
        .reduce((n, [, count]) => n + count, 0)
      // Unseen requests lost on the wire were retried too; aborted race losers were not, and
      // a race's side whose request failed is not retried once the other side has won.
      const retries = sum(t => t.counters.retries)
      const speculative = sum(t => t.tail?.speculativeRequests ?? 0)
      expect(retries).toBeGreaterThanOrEqual(
        failing + served.throttled + served.unauthorized - speculative
      )
      expect(retries).toBeLessThanOrEqual(failing + served.throttled + served.unauthorized + unseen)
    } finally {
      await tenant.stop()
    }
  })

  it('all faults at once at realistic rates, tokens expiring mid-run, four log types', async () => {
    const tenant = await tenantWith(
      {
        rate429: 0.1,
        rate500: 0.0125,
        rate502: 0.0125,
        rate503: 0.0125,
        rate504: 0.0125,
        rateReset: 0.03,
        rateTruncated: 0.02,
        invalidSkipTokenAt: 4,
        shortPages: 0.1,
        duplicateRate: 0.02
      },
      { tokenLifetimeSec: 1 }
    )
    try {
      tenant.graph.configure({ latencyMs: { min: 5, max: 40 } })
      const types: LogTypeName[] = [...TYPES, 'interactive-sign-ins', 'provisioning-logs']
      const settings = testSettings(tenant, { logTypes: types })
      const { result } = await exportWith(tenant, settings)
      for (const type of types) {
        expect(result.logTypes.find(t => t.logType === type)!.status).toBe('ok')
        expectExact(tenant, csvIds(result, type), type, settings.window)
      }
      expect(tenant.login.tokens.issuedByMode.secret).toBeGreaterThan(1)
    } finally {
      await tenant.stop()
    }
  })
})

describe('window edges', () => {
  it('holds exactly [start, end) when both edges fall inside seconds shared by many records', async () => {
    const tenant = await startFakeTenant({
      now: NOW,
      dataset: { count: 500, sameSecondBursts: { bursts: 6, size: 40 }, fractionalFraction: 0.5 },
      // The server leaks records from up to 2 s beyond each edge: the client-side guard must drop them.
      graph: { throttle: false, edgeSlackMs: 2000 }
    })
    try {
      // Edges at the seconds with the most records, offset into the second.
      const bySecond = new Map<number, number>()
      for (const r of tenant.dataset.store('audit-logs').scan()) {
        const s = Math.floor(recordTime('audit-logs', r) / 1000) * 1000
        bySecond.set(s, (bySecond.get(s) ?? 0) + 1)
      }
      const busiest = [...bySecond]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([s]) => s)
      expect(bySecond.get(busiest[1])).toBeGreaterThan(10)
      for (const offset of [0, 1, 500]) {
        const window = {
          start: new Date(Math.min(...busiest) + offset),
          end: new Date(Math.max(...busiest) + offset)
        }
        const settings = testSettings(tenant, { window })
        const { result } = await exportWith(tenant, settings)
        expectExact(tenant, csvIds(result, 'audit-logs'), 'audit-logs', window)
        expect(result.logTypes[0].drops.outOfWindow).toBeGreaterThan(0)
      }
    } finally {
      await tenant.stop()
    }
  })
})
