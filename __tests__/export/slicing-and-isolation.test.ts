/**
 * Issue 5's adaptive time slices and issue 2/4's per-log-type isolation, run
 * through the real core against the simulated tenant.
 */
import { basename } from 'node:path'
import { expectedIds, recordTime, startFakeTenant } from '../fake-tenant/index.js'
import {
  csvIds,
  exportWith,
  FAST_TUNING,
  readCsv,
  testSettings
} from '../support/export-harness.js'

const NOW = new Date('2026-10-06T12:00:00Z')

describe('adaptive time slices', () => {
  it('splits a skewed window across chains and still returns every id once, newest first, deterministically', async () => {
    const tenant = await startFakeTenant({
      now: NOW,
      dataset: {
        count: 1200,
        skew: { fraction: 0.5, hourStart: '2026-10-05T09:00:00Z' }
      },
      graph: { throttle: false, latencyMs: { min: 5, max: 25 } }
    })
    try {
      const settings = testSettings(tenant, {
        logTypes: ['service-principal-sign-ins'],
        pageSize: 25,
        maxConcurrency: 4
      })
      const first = await exportWith(tenant, settings)
      const entry = first.result.logTypes[0]
      expect(entry.chains).toBeGreaterThan(3)
      const ids = csvIds(first.result, 'service-principal-sign-ins')
      const expected = expectedIds(tenant.dataset, 'service-principal-sign-ins', settings.window)
      expect(new Set(ids).size).toBe(ids.length)
      expect([...ids].sort()).toEqual([...expected].sort())

      const rows = readCsv(entry.files[0].path)
      const times = rows.map(r => recordTime('service-principal-sign-ins', r))
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1])

      const second = await exportWith(tenant, { ...settings, outputDir: settings.outputDir + '-2' })
      expect(second.result.logTypes[0].files[0].sha256).toBe(entry.files[0].sha256)
    } finally {
      await tenant.stop()
    }
  })
})

describe('progress', () => {
  it('logs how far each running log type has got while a long export runs', async () => {
    const tenant = await startFakeTenant({ now: NOW, graph: { throttle: false, latencyMs: 60 } })
    try {
      const settings = testSettings(tenant, { pageSize: 20, maxConcurrency: 1 })
      const { logger } = await exportWith(tenant, settings, {
        ...FAST_TUNING,
        progressIntervalMs: 100
      })
      const progress = logger.lines.filter(l => /Directory audit logs: \d+ records so far/.test(l))
      expect(progress.length).toBeGreaterThan(1)
    } finally {
      await tenant.stop()
    }
  })
})

describe('one failing log type does not stop the others', () => {
  it('a 403 without permission fails that log type with the fix, keeps the rest exact', async () => {
    const tenant = await startFakeTenant({
      now: NOW,
      graph: { throttle: false, forbidden: { 'service-principal-sign-ins': 'permission' } }
    })
    try {
      const settings = testSettings(tenant, {
        logTypes: ['service-principal-sign-ins', 'audit-logs']
      })
      const { result } = await exportWith(tenant, settings)
      const [sp, audit] = result.logTypes
      expect(sp.status).toBe('failed')
      expect(sp.error).toMatch(/AuditLog\.Read\.All and Directory\.Read\.All/)
      expect(sp.error).toMatch(/admin consent/)
      expect(sp.files.map(f => basename(f.path))).toEqual([
        'service-principal-sign-ins.incomplete.csv'
      ])
      expect(audit.status).toBe('ok')
      expect(csvIds(result, 'audit-logs').sort()).toEqual(
        expectedIds(tenant.dataset, 'audit-logs', settings.window).sort()
      )
    } finally {
      await tenant.stop()
    }
  })

  it('a tenant without a premium licence gets the licence message after the transient retries', async () => {
    const tenant = await startFakeTenant({
      now: NOW,
      graph: { throttle: false, forbidden: { 'interactive-sign-ins': 'licence' } }
    })
    try {
      // One slice, so the request count is one page's attempts.
      const settings = testSettings(tenant, {
        logTypes: ['interactive-sign-ins'],
        maxConcurrency: 1
      })
      const { result } = await exportWith(tenant, settings)
      const entry = result.logTypes[0]
      expect(entry.status).toBe('failed')
      expect(entry.error).toMatch(/P1 or P2/)
      expect(entry.error).toMatch(/Directory\.Read\.All/)
      expect(entry.counters.requests).toBe(FAST_TUNING.retryPolicy.licenceRetries + 1)
    } finally {
      await tenant.stop()
    }
  })

  it('a first page that keeps failing fails the log type, naming the attempts', async () => {
    const tenant = await startFakeTenant({
      now: NOW,
      graph: { throttle: false, faults: { rate500: 1 } }
    })
    try {
      const settings = testSettings(tenant, { maxConcurrency: 1 })
      const tuning = { ...FAST_TUNING, retryPolicy: { ...FAST_TUNING.retryPolicy, maxAttempts: 3 } }
      const { result } = await exportWith(tenant, settings, tuning)
      expect(result.logTypes[0].status).toBe('failed')
      expect(result.logTypes[0].error).toMatch(/after 3 attempts/)
      expect(tenant.graph.counters.requests).toBe(3)
    } finally {
      await tenant.stop()
    }
  })
})
