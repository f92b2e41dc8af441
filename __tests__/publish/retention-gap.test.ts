/** Issue 13: a retention gap and order violations are marked in the manifest and the summary. */
import { buildManifest } from '../../src/output/manifest.js'
import { renderSummary } from '../../src/publish/summary.js'
import { exportResult, logTypeResult, settingsFor } from '../support/summary-fixtures.js'

const gap = {
  start: new Date('2026-09-01T00:00:00Z'),
  end: new Date('2026-09-06T00:00:00Z'),
  graphMinimum: new Date('2026-09-06T00:00:00Z')
}

const result = exportResult([
  logTypeResult('audit-logs', 6, { retentionGap: gap, orderViolations: 3 }),
  logTypeResult('service-principal-sign-ins', 4)
])

describe('retention gap', () => {
  it('the manifest marks the gap, end exclusive, with why, and counts order violations', () => {
    const manifest = JSON.parse(
      JSON.stringify(
        buildManifest(settingsFor(), result, {
          tool: { name: 't', version: '0' },
          generatedAt: new Date(0)
        })
      )
    )
    const audit = manifest.logTypes['audit-logs']
    expect(audit.retentionGap).toEqual({
      start: '2026-09-01T00:00:00.000Z',
      end: '2026-09-06T00:00:00.000Z',
      endExclusive: true,
      graphMinimum: '2026-09-06T00:00:00.000Z',
      reason: expect.stringMatching(/retention \(7 days .* 30 days otherwise\)/)
    })
    expect(audit.complete).toBe(false)
    expect(audit.orderViolations).toBe(3)
    const signIns = manifest.logTypes['service-principal-sign-ins']
    expect([signIns.retentionGap, signIns.complete, signIns.orderViolations]).toEqual([
      null,
      true,
      0
    ])
  })

  it('the summary warns with the lost range and shows the log type as a gap', () => {
    const markdown = renderSummary({ settings: settingsFor(), result })
    expect(markdown).toContain(
      'records from 2026-09-01 00:00 UTC to 2026-09-06 00:00 UTC (end exclusive)'
    )
    expect(markdown).toContain("past Microsoft Graph's retention")
    expect(markdown).toContain('⚠️ gap (retention)')
    expect(markdown).toContain(
      '## Entra ID log export: ⚠️ everything Graph still holds (part of the window is past retention)'
    )
  })
})
