/**
 * Records without a parseable time field cannot be placed in the window: they
 * are kept out of the files, counted, and a warning names how many and a few ids.
 */
import { expectedIds, startFakeTenant, type FakeTenant } from '../fake-tenant/index.js'
import { csvIds, exportWith, testSettings } from '../support/export-harness.js'

let tenant: FakeTenant
beforeAll(async () => {
  tenant = await startFakeTenant({
    now: '2026-10-06T12:00:00Z',
    dataset: { count: 120 },
    graph: { throttle: false }
  })
})
afterAll(() => tenant?.stop())

it('keeps undated records out of the files and warns with their count and first ids', async () => {
  const undated = [
    { id: 'no-time' },
    { id: 'bad-time', activityDateTime: 'yesterday' },
    { id: 'null-time', activityDateTime: null },
    ...Array.from({ length: 5 }, (_, i) => ({ id: `more-${i}`, activityDateTime: 42 })),
    { activityDisplayName: 'no id either' }
  ]
  tenant.graph.configure({ undatedRecords: undated })
  const { result, logger } = await exportWith(tenant, testSettings(tenant))
  const audit = result.logTypes[0]
  expect(audit.status).toBe('ok')
  expect(audit.drops.untimed).toBe(undated.length)
  // Exactly the dated records of the window, none of the undated ones.
  expect(csvIds(result, 'audit-logs').sort()).toEqual(
    expectedIds(tenant.dataset, 'audit-logs', tenant.dataset.window).sort()
  )
  const warnings = logger.lines.filter(l => l.startsWith('warning: '))
  expect(warnings).toEqual([
    'warning: Directory audit logs: 9 records had no parseable activityDateTime and were left out of the ' +
      'files (they cannot be placed in the window). Ids: "no-time", "bad-time", "null-time", ' +
      '"more-0", "more-1", ….'
  ])
})
