/**
 * A window that does not start and end on bucket boundaries (`since: 24h`
 * without `align`) has partial first and last buckets. At a steady rate they
 * hold fewer records only because they hold less time: the sparkline must not
 * draw them as dips or count them as the minimum.
 */
import { createFindings } from '../../src/findings/create-findings.js'
import { drawnBuckets } from '../../src/publish/summary-timeline.js'
import { renderSummary } from '../../src/publish/summary.js'
import { exportResult, logTypeResult, settingsFor } from '../support/summary-fixtures.js'

const MINUTE = 60_000

/** One audit record every 10 minutes over [start, end): a perfectly steady rate. */
function steadySummary(start: string, end: string): { markdown: string; records: number } {
  const window = { start: new Date(start), end: new Date(end) }
  const settings = settingsFor({ window, logTypes: ['audit-logs'], align: 'none' })
  const findings = createFindings(settings)
  let records = 0
  for (let t = window.start.getTime(); t < window.end.getTime(); t += 10 * MINUTE) {
    findings.observe('audit-logs', {
      id: `r${records++}`,
      activityDateTime: new Date(t).toISOString(),
      activityDisplayName: 'Update user',
      result: 'success'
    })
  }
  const markdown = renderSummary({
    settings,
    result: exportResult([logTypeResult('audit-logs', records)]),
    runId: '42',
    findings: findings.result()
  })
  return { markdown, records }
}

function activityRow(markdown: string): string[] {
  const after = markdown.slice(markdown.indexOf('### Activity over time'))
  const row = after.split('\n').find(line => line.startsWith('| Directory audit logs'))
  expect(row).toBeDefined()
  return row!
    .split('|')
    .slice(1, -1)
    .map(cell => cell.trim())
}

describe('activity sparkline with partial edge buckets', () => {
  it('leaves out a partial first and last hour: a steady rate draws flat, min = max', () => {
    const { markdown } = steadySummary('2026-10-05T10:30:00Z', '2026-10-06T10:30:00Z')
    const [, line, min, max] = activityRow(markdown)
    // 25 hourly buckets 10:00..10:00; the two half hours are not drawn.
    expect(line).toBe('█'.repeat(23))
    expect(min).toBe('6')
    expect(max).toBe('6 at 2026-10-05 11:00 UTC')
    expect(markdown).toContain(
      'One block per hour (UTC), 2026-10-05 11:00 UTC to 2026-10-06 10:00 UTC.'
    )
    expect(markdown).toContain(
      'the hour starting 2026-10-05 10:00 UTC (window starts 2026-10-05 10:30 UTC)'
    )
    expect(markdown).toContain(
      'the hour starting 2026-10-06 10:00 UTC (window ends 2026-10-06 10:30 UTC)'
    )
  })

  it('draws every bucket, with no note, when the window is aligned', () => {
    const { markdown } = steadySummary('2026-10-05T00:00:00Z', '2026-10-06T00:00:00Z')
    const [, line, min] = activityRow(markdown)
    expect(line).toBe('█'.repeat(24))
    expect(min).toBe('6')
    expect(markdown).not.toContain('Not drawn')
  })

  it('leaves out only the partial end when the start is aligned', () => {
    const { markdown } = steadySummary('2026-10-05T00:00:00Z', '2026-10-05T05:20:00Z')
    const [, line, min] = activityRow(markdown)
    expect(line).toBe('█'.repeat(5))
    expect(min).toBe('6')
    expect(markdown).toContain('(window ends 2026-10-05 05:20 UTC)')
    expect(markdown).not.toContain('window starts')
  })

  it('still draws a single bucket that is itself partial', () => {
    expect(
      drawnBuckets({
        bucket: 'hour',
        bucketMs: 3_600_000,
        start: '2026-10-05T10:00:00.000Z',
        counts: [3],
        outside: 0,
        windowStart: '2026-10-05T10:15:00.000Z',
        windowEnd: '2026-10-05T10:45:00.000Z'
      })
    ).toEqual({ from: 0, to: 1 })
  })
})
