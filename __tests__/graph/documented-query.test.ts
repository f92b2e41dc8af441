/**
 * Issue 13: the time filter uses only the operators each API reference page
 * documents, and still expresses [start, end) exactly in 100 ns ticks.
 */
import { buildFilter, buildQueryUrl, odataInstant } from '../../src/graph/query.js'
import { parseRetentionEdge } from '../../src/graph/retention-edge.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'

const range = {
  startMs: Date.parse('2026-10-05T10:00:00Z'),
  endMs: Date.parse('2026-10-05T11:00:00Z')
}

describe('odataInstant', () => {
  it('writes whole seconds plainly and one tick before with 7 digits', () => {
    expect(odataInstant(range.endMs)).toBe('2026-10-05T11:00:00Z')
    expect(odataInstant(range.endMs, -1)).toBe('2026-10-05T10:59:59.9999999Z')
    expect(odataInstant(Date.parse('2026-10-05T11:00:00.250Z'), -1)).toBe(
      '2026-10-05T11:00:00.2499999Z'
    )
    expect(odataInstant(Date.parse('2027-01-01T00:00:00Z'), -1)).toBe(
      '2026-12-31T23:59:59.9999999Z'
    )
  })
})

describe('time filter per log type', () => {
  it('sign-ins and directory audits: ge start and le one tick before end', () => {
    for (const name of ['interactive-sign-ins', 'audit-logs'] as const) {
      const spec = LOG_TYPE_SPECS[name]
      const filter = buildFilter(spec, range, '')
      expect(filter).toContain(`${spec.timeField} ge 2026-10-05T10:00:00Z`)
      expect(filter).toContain(`${spec.timeField} le 2026-10-05T10:59:59.9999999Z`)
      expect(filter).not.toMatch(/ (lt|gt) /)
    }
  })

  it('provisioning: gt one tick before start and lt end', () => {
    const filter = buildFilter(LOG_TYPE_SPECS['provisioning-logs'], range, '')
    expect(filter).toBe(
      'activityDateTime gt 2026-10-05T09:59:59.9999999Z and activityDateTime lt 2026-10-05T11:00:00Z'
    )
  })

  it('asks for newest first where it is not the documented default', () => {
    const url = (name: keyof typeof LOG_TYPE_SPECS) =>
      buildQueryUrl('https://graph', LOG_TYPE_SPECS[name], 'x', 10)
    expect(url('audit-logs')).toContain('$orderby=activityDateTime%20desc')
    expect(url('provisioning-logs')).toContain('$orderby=activityDateTime%20desc')
    expect(url('interactive-sign-ins')).not.toContain('$orderby')
  })

  it('every windowed log type uses only the operators its spec documents', () => {
    for (const spec of Object.values(LOG_TYPE_SPECS)) {
      if (!spec.timeField) continue
      const ops = [...buildFilter(spec, range, '').matchAll(/Time (\w+) /g)].map(m => m[1])
      expect(ops).toEqual([spec.timeOperators!.lower, spec.timeOperators!.upper])
    }
  })
})

describe('parseRetentionEdge', () => {
  const msg = (when: string, field = 'activityDateTime') =>
    `Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for ${field} is ${when}')`

  it("reads Graph's US-format minimum as UTC", () => {
    expect(parseRetentionEdge(msg('6/12/2026 12:00:00 AM'))).toBe(
      Date.parse('2026-06-12T00:00:00Z')
    )
    expect(parseRetentionEdge(msg('11/3/2026 12:30:05 PM', 'createdDateTime'))).toBe(
      Date.parse('2026-11-03T12:30:05Z')
    )
    expect(parseRetentionEdge(msg('11/3/2026 1:02:03 PM'))).toBe(Date.parse('2026-11-03T13:02:03Z'))
  })

  it('refuses what it cannot read', () => {
    expect(
      parseRetentionEdge('Specified argument was out of the range of valid values.')
    ).toBeUndefined()
    expect(parseRetentionEdge(msg('2/31/2026 12:00:00 AM'))).toBeUndefined()
    expect(parseRetentionEdge(msg('13/1/2026 12:00:00 AM'))).toBeUndefined()
  })
})
