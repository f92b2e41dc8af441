/**
 * Issue 13: a chain that restarted from the oldest second it had written (which
 * trusts the order) and then sees the order break re-reads its whole slice, so
 * a record the broken order had not yet served is not lost. Scripted Graph
 * answers, so the exact sequence is fixed.
 */
import { readFileSync } from 'node:fs'
import { Chain } from '../../src/export/chain.js'
import type { GraphTransport } from '../../src/graph/graph-transport.js'
import { recordingLogger } from '../support/recording-logger.js'
import { scriptedAuditChain, scriptedResponse } from '../support/scripted-chain.js'

const BASE = Date.parse('2026-10-05T10:00:00Z')
const at = (s: number): string => new Date(BASE + s * 1000).toISOString()
const rec = (id: string, s: number) => ({ id, activityDateTime: at(s) })

const response = scriptedResponse

/** A chain over the audit log's [BASE, BASE + 100 s), reading from `transport`. */
function auditChain(
  transport: GraphTransport,
  logger: ReturnType<typeof recordingLogger>,
  averageDensity: () => number
): Chain {
  const window = { start: new Date(BASE), end: new Date(BASE + 100_000) }
  return scriptedAuditChain({ transport, window, pageSize: 3, logger, averageDensity })
}

/**
 * A Graph whose order holds for the first two pages by chance: `late` (98.5 s)
 * would only have come on a later page. The chain's link then dies; the restart
 * (up to the oldest second written) comes back out of order.
 */
function scriptedGraph(): { transport: GraphTransport; urls: string[] } {
  const urls: string[] = []
  let fullQueries = 0
  const all = [rec('late', 98.5), ...[99, 98, 97, 96, 95, 94, 93, 50, 10].map(s => rec(`r${s}`, s))]
  const transport: GraphTransport = {
    get: async url => {
      urls.push(url)
      const u = new URL(url)
      const token = u.searchParams.get('$skiptoken')
      if (token === 'L1')
        return response(200, {
          value: [rec('r96', 96), rec('r95', 95), rec('r94', 94)],
          '@odata.nextLink': 'https://graph.test/v1.0/auditLogs/directoryAudits?$skiptoken=L2'
        })
      if (token === 'L2')
        return response(400, { error: { code: 'BadRequest', message: 'Invalid Skip Token' } })
      const filter = u.searchParams.get('$filter') ?? ''
      if (filter.includes(`le ${at(99).replace('.000Z', '')}.9999999Z`)) {
        fullQueries++
        if (fullQueries === 1) {
          return response(200, {
            value: [rec('r99', 99), rec('r98', 98), rec('r97', 97)],
            '@odata.nextLink': 'https://graph.test/v1.0/auditLogs/directoryAudits?$skiptoken=L1'
          })
        }
        // The re-read, in proper order this time.
        return response(200, {
          value: [...all].sort(
            (a, b) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime)
          )
        })
      }
      // The restart up to 95 s: out of order.
      return response(200, {
        value: [rec('r50', 50), rec('r93', 93), rec('r10', 10), rec('r94', 94)]
      })
    }
  }
  return { transport, urls }
}

it('a restart that trusted the order re-reads the whole slice when the order breaks', async () => {
  const { transport, urls } = scriptedGraph()
  const logger = recordingLogger()
  const chain = auditChain(transport, logger, () => 0)
  await chain.run(new AbortController().signal)
  const ids = new Set(
    readFileSync(chain.tmpPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => (JSON.parse(line) as { id: string }).id)
  )
  expect([...ids].sort()).toEqual(
    ['late', ...[99, 98, 97, 96, 95, 94, 93, 50, 10].map(s => `r${s}`)].sort()
  )
  expect(chain.restarts).toBe(1)
  expect(chain.orderViolations).toBeGreaterThan(0)
  // The restart asked only up to the oldest second written; the re-read asked for the whole slice again.
  const fresh = urls.filter(u => !u.includes('$skiptoken'))
  expect(fresh).toHaveLength(3)
  expect(decodeURIComponent(fresh[1])).toContain(`le ${at(94).replace('.000Z', '')}.9999999Z`)
  expect(logger.lines.some(l => l.includes('re-reading'))).toBe(true)
})

it('hands nothing off once the order is broken (hand-off, like split and hedge, relies on it)', () => {
  const logger = recordingLogger()
  // One record a second: 100 expected in the chain's range.
  const chain = auditChain({ get: async () => response(500, {}) }, logger, () => 1 / 1000)
  chain.pages = 1
  expect(chain.handOff(1000, 3)).toBeDefined()
  chain.startMs = BASE
  chain.orderTrusted = false
  expect(chain.handOff(1000, 3)).toBeUndefined()
  expect(chain.startMs).toBe(BASE)
})

it('a split by time gives the new chain an estimate of its records, so it is not unmeasured work', () => {
  const logger = recordingLogger()
  const idle = { get: async () => response(500, {}) }
  // Nothing read yet anywhere in the log type: no estimate to give.
  expect(auditChain(idle, logger, () => 0).splitByTime(1000)).toEqual({
    startMs: BASE,
    endMs: BASE + 50_000
  })
  // The log type has averaged one record a second so far: 50 in the older 50 s.
  const chain = auditChain(idle, logger, () => 1 / 1000)
  expect(chain.splitByTime(1000)?.expectedRecords).toBeCloseTo(50)
  // A chain that a split expected to hold 80 records shares them by time.
  const expected = auditChain(idle, logger, () => 1 / 1000)
  expected.expectedRecords = 80
  expect(expected.splitByTime(1000)?.expectedRecords).toBeCloseTo(40)
  expect(expected.expectedRecords).toBeCloseTo(40)
  expect(expected.startMs).toBe(BASE + 50_000)
})

it('a retention answer to a query sent before a split raised the start moves the chain to the later of the two', async () => {
  // The query went out for [0 s, 100 s); a split then raised the chain's start to 50 s;
  // Graph answers that its data starts at 30 s. The chain's own range is all held:
  // it re-reads from 50 s, not 30 s (that part is the new chain's), and does not fail.
  const logger = recordingLogger()
  const urls: string[] = []
  let answerFirst: () => void = () => {}
  const firstAnswered = new Promise<void>(resolve => (answerFirst = resolve))
  const transport: GraphTransport = {
    get: async url => {
      urls.push(url)
      if (urls.length === 1) {
        await firstAnswered
        return response(400, {
          error: {
            code: 'UnknownError',
            message:
              "Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for activityDateTime is 10/5/2026 10:00:30 AM')"
          }
        })
      }
      return response(200, { value: [rec('r99', 99), rec('r70', 70), rec('r51', 51)] })
    }
  }
  const chain = auditChain(transport, logger, () => 0)
  const running = chain.run(new AbortController().signal)
  while (urls.length === 0) await new Promise(resolve => setTimeout(resolve, 5))
  expect(chain.splitByTime(1000)).toEqual({ startMs: BASE, endMs: BASE + 50_000 })
  answerFirst()
  await running
  expect(chain.startMs).toBe(BASE + 50_000)
  expect(decodeURIComponent(urls[1])).toContain(`ge ${at(50).replace('.000Z', 'Z')}`)
  const ids = readFileSync(chain.tmpPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => (JSON.parse(line) as { id: string }).id)
  expect(ids).toEqual(['r99', 'r70', 'r51'])
})
