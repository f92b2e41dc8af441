/**
 * Issue 13: against a simulated tenant exactly as strict as Microsoft's API
 * reference (documented operators only, no order for audit and provisioning
 * unless asked, a retention edge, undocumented skip-token statuses), every log
 * type exports exactly.
 */
import { readFileSync } from 'node:fs'
import { LOG_TYPES, type LogTypeName } from '../../src/settings.js'
import { expectedIds, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import type { GraphBehaviour } from '../fake-tenant/index.js'
import { csvIds, exportWith, testSettings } from '../support/export-harness.js'

const DAY = 86_400_000
const NOW = new Date('2026-10-06T12:00:00Z')
const ORDERABLE: LogTypeName[] = ['audit-logs', 'provisioning-logs']

async function tenantWith(graph: GraphBehaviour, dataset = {}): Promise<FakeTenant> {
  return startFakeTenant({
    now: NOW,
    dataset: { count: 400, ...dataset },
    graph: { throttle: false, faultRetryAfterSec: 0.02, faultSeed: 11, ...graph }
  })
}

function expectExact(
  tenant: FakeTenant,
  ids: string[],
  logType: LogTypeName,
  window: { start: Date; end: Date }
): void {
  const expected = expectedIds(tenant.dataset, logType, window)
  expect(new Set(ids).size).toBe(ids.length)
  expect([...ids].sort()).toEqual([...expected].sort())
}

describe('documented query contract', () => {
  it('every log type exports exactly, sending only documented operators and $orderby where it is not the default', async () => {
    const tenant = await tenantWith({})
    try {
      const settings = testSettings(tenant, { logTypes: [...LOG_TYPES] })
      const { result } = await exportWith(tenant, settings)
      for (const type of LOG_TYPES) {
        const entry = result.logTypes.find(t => t.logType === type)!
        expect([type, entry.status]).toEqual([type, 'ok'])
        expectExact(tenant, csvIds(result, type), type, settings.window)
        expect(entry.orderViolations).toBe(0)
      }
      const fresh = tenant.graph.requests.filter(r => !r.skipToken && r.filter)
      for (const r of fresh) {
        const ops = [...(r.filter ?? '').matchAll(/(createdDateTime|activityDateTime) (\w+) /g)]
        const allowed = r.logType === 'provisioning-logs' ? ['gt', 'lt'] : ['ge', 'le']
        expect(ops.every(m => allowed.includes(m[2]))).toBe(true)
        const orderBy = new URLSearchParams(r.search).get('$orderby')
        expect(orderBy).toBe(ORDERABLE.includes(r.logType!) ? 'activityDateTime desc' : null)
      }
    } finally {
      await tenant.stop()
    }
  })

  it('without $orderby the strict tenant gives no order', async () => {
    const tenant = await tenantWith({})
    try {
      const token = tenant.login.tokens.issue(tenant.tenantId, tenant.clientId, 'secret', 3600)
      const res = await fetch(`${tenant.graphEndpoint}/v1.0/auditLogs/directoryAudits?$top=200`, {
        headers: { Authorization: `Bearer ${token.token}` }
      })
      const body = (await res.json()) as { value: { activityDateTime: string }[] }
      const times = body.value.map(r => Date.parse(r.activityDateTime))
      expect(times.some((t, i) => i > 0 && t > times[i - 1])).toBe(true)
    } finally {
      await tenant.stop()
    }
  })
})

describe('order is checked, not assumed', () => {
  it('a server that ignores $orderby: still exact, order violations counted, no early stop', async () => {
    const tenant = await tenantWith(
      { ignoreOrderBy: true, faults: { invalidSkipTokenAt: [3, 7] } },
      { count: 900 }
    )
    try {
      const settings = testSettings(tenant, {
        logTypes: ORDERABLE,
        pageSize: 40,
        maxConcurrency: 6
      })
      const { result, logger } = await exportWith(tenant, settings)
      for (const type of ORDERABLE) {
        const entry = result.logTypes.find(t => t.logType === type)!
        expect(entry.status).toBe('ok')
        expectExact(tenant, csvIds(result, type), type, settings.window)
        expect(entry.orderViolations).toBeGreaterThan(0)
      }
      expect(logger.lines.some(l => l.includes('restarting this part of the window'))).toBe(true)
    } finally {
      await tenant.stop()
    }
  })
})

describe('invalid skip token', () => {
  it('on a 500 is recognised by its text and restarts the chain at once, without retrying the dead link', async () => {
    const tenant = await tenantWith({
      faults: { invalidSkipTokenAt: [2, 4], invalidSkipTokenStatus: 500 }
    })
    try {
      const settings = testSettings(tenant, { logTypes: ['audit-logs'], maxConcurrency: 1 })
      const { result } = await exportWith(tenant, settings)
      const entry = result.logTypes[0]
      expect(entry.status).toBe('ok')
      expectExact(tenant, csvIds(result, 'audit-logs'), 'audit-logs', settings.window)
      expect(entry.chainRestarts).toBe(2)
      expect(entry.counters.retries).toBe(0)
    } finally {
      await tenant.stop()
    }
  })
})

describe('retention edge', () => {
  const edge = new Date(Math.floor((NOW.getTime() - 30 * DAY) / DAY) * DAY)

  it('a window reaching 35 days back exports exactly what Graph holds and names the lost range', async () => {
    const tenant = await tenantWith(
      {},
      { window: { start: new Date(NOW.getTime() - 40 * DAY), end: NOW }, count: 600 }
    )
    try {
      const window = { start: new Date(NOW.getTime() - 35 * DAY), end: NOW }
      const types: LogTypeName[] = ['interactive-sign-ins', 'audit-logs', 'provisioning-logs']
      const settings = testSettings(tenant, { logTypes: types, window })
      const { result, logger } = await exportWith(tenant, settings)
      for (const type of types) {
        const entry = result.logTypes.find(t => t.logType === type)!
        expect(entry.status).toBe('ok')
        // Everything Graph still holds, exactly; nothing from before its edge exists to export.
        expectExact(tenant, csvIds(result, type), type, { start: edge, end: NOW })
        expect(
          expectedIds(tenant.dataset, type, { start: window.start, end: edge }).length
        ).toBeGreaterThan(0)
        expect(entry.retentionGap).toEqual({ start: window.start, end: edge, graphMinimum: edge })
        const warning = logger.lines.find(l => l.startsWith('warning:') && l.includes(entry.title))
        expect(warning).toContain(`[${window.start.toISOString()}, ${edge.toISOString()})`)
        expect(warning).toMatch(/retention \(7 days for audit logs .* 30 days otherwise\)/)
      }
    } finally {
      await tenant.stop()
    }
  })

  it('a window entirely before the edge gives a header-only file and a warning, not a failure', async () => {
    const tenant = await tenantWith(
      {},
      { window: { start: new Date(NOW.getTime() - 40 * DAY), end: NOW }, count: 300 }
    )
    try {
      const window = {
        start: new Date(NOW.getTime() - 38 * DAY),
        end: new Date(NOW.getTime() - 33 * DAY)
      }
      const settings = testSettings(tenant, { logTypes: ['audit-logs'], window })
      const { result, logger } = await exportWith(tenant, settings)
      const entry = result.logTypes[0]
      expect(entry.status).toBe('ok')
      expect(entry.rows).toBe(0)
      const csv = readFileSync(entry.files.find(f => f.format === 'csv')!.path, 'utf8')
      expect(csv.trim().split('\n')).toHaveLength(1)
      expect(entry.retentionGap?.end).toEqual(window.end)
      expect(logger.lines.some(l => l.startsWith('warning:') && l.includes('header row'))).toBe(
        true
      )
    } finally {
      await tenant.stop()
    }
  })

  it('a retention answer without a readable minimum fails clearly, naming retention', async () => {
    const tenant = await tenantWith(
      { retention: { message: 'Specified argument was out of the range of valid values.' } },
      { window: { start: new Date(NOW.getTime() - 40 * DAY), end: NOW }, count: 100 }
    )
    try {
      const window = { start: new Date(NOW.getTime() - 35 * DAY), end: NOW }
      const settings = testSettings(tenant, { logTypes: ['audit-logs'], window })
      const { result } = await exportWith(tenant, settings)
      expect(result.logTypes[0].status).toBe('failed')
      expect(result.logTypes[0].error).toMatch(/retention/)
      expect(result.logTypes[0].error).toContain("'since'")
    } finally {
      await tenant.stop()
    }
  })
})

describe('retention edge bounds', () => {
  it('a Graph that keeps naming a minimum it then refuses ends in a failure, not a loop', async () => {
    const tenant = await tenantWith(
      {
        retention: {
          days: 30,
          // Names 40 days back, which the same tenant refuses (its edge is 30 days back).
          message:
            "Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for activityDateTime is 8/27/2026 12:00:00 AM')"
        }
      },
      { window: { start: new Date(NOW.getTime() - 40 * DAY), end: NOW }, count: 100 }
    )
    try {
      const window = { start: new Date(NOW.getTime() - 35 * DAY), end: NOW }
      const settings = testSettings(tenant, { logTypes: ['audit-logs'], window, maxConcurrency: 1 })
      const { result } = await exportWith(tenant, settings)
      expect(result.logTypes[0].status).toBe('failed')
      expect(result.logTypes[0].error).toMatch(/retention/)
      // A minimum that does not move the query on fails at once.
      expect(tenant.graph.requests.length).toBe(1)
    } finally {
      await tenant.stop()
    }
  })
})

describe('national clouds', () => {
  it('"Resource not found for the segment" names the log type, the cloud and what to do', async () => {
    const tenant = await tenantWith({ notFound: ['provisioning-logs'] })
    try {
      const settings = testSettings(tenant, { logTypes: ['provisioning-logs', 'audit-logs'] })
      const { result } = await exportWith(tenant, settings)
      const [prov, audit] = result.logTypes
      expect(prov.status).toBe('failed')
      expect(prov.error).toContain('Provisioning logs')
      expect(prov.error).toContain("'public' cloud")
      expect(prov.error).toContain("remove 'provisioning-logs' from log-types")
      expect(audit.status).toBe('ok')
    } finally {
      await tenant.stop()
    }
  })

  it("a Graph that plays the China cloud refuses what its national-cloud table lacks, with Graph's 400", async () => {
    const tenant = await tenantWith({ cloud: 'china' })
    try {
      const settings = testSettings(tenant, { logTypes: ['audit-logs'] })
      const { result } = await exportWith(tenant, settings)
      expect(result.logTypes[0].status).toBe('failed')
      expect(result.logTypes[0].error).toContain('Resource not found for the segment')
      expect(result.logTypes[0].error).toContain('directoryaudit-list.md')
      expect(new Set(tenant.graph.requests.map(r => r.status))).toEqual(new Set([400]))
    } finally {
      await tenant.stop()
    }
  })
})
