/**
 * Export keeps only `observedPart` of a record between reading it and writing it
 * (a rendered row, see export/render-ahead.ts), then observes that part. These
 * tests pin that the part holds every field the findings read: a field a
 * collector starts to read without declaring it fails here, not in a summary.
 */
import { createFindings } from '../../src/findings/create-findings.js'
import { LOG_TYPES, type LogTypeName } from '../../src/settings.js'
import { allRecords, generateDataset } from '../fake-tenant/dataset.js'
import { DATASET, settingsFor } from '../support/summary-fixtures.js'

const WINDOW = { start: '2026-01-01T00:00:00Z', end: '2026-01-03T00:00:00Z' }

function recordsOf(logType: LogTypeName): Record<string, unknown>[] {
  const generated = allRecords(
    generateDataset({ seed: 7, window: WINDOW, count: 400, hostileFraction: 0.3 }),
    logType
  ) as Record<string, unknown>[]
  const handWritten = DATASET.filter(([name]) => name === logType).flatMap(([, list]) => list)
  return [...generated, ...(handWritten as Record<string, unknown>[])]
}

function settings() {
  return {
    ...settingsFor(),
    window: { start: new Date(WINDOW.start), end: new Date(WINDOW.end) },
    logTypes: [...LOG_TYPES]
  }
}

describe('FindingsCollector.observedPart', () => {
  it.each([...LOG_TYPES])('holds every top-level field the %s findings read', logType => {
    const findings = createFindings(settings())
    const read = new Set<string>()
    for (const record of recordsOf(logType)) {
      const watched = new Proxy(record, {
        get(target, key, receiver) {
          if (typeof key === 'string') read.add(key)
          return Reflect.get(target, key, receiver) as unknown
        }
      })
      findings.observe(logType, watched)
      const part = findings.observedPart(logType, record)
      for (const key of Object.keys(part)) expect(part[key]).toBe(record[key])
    }
    const declared = new Set(Object.keys(findings.observedPart(logType, everyField(read))))
    expect([...read].filter(key => !declared.has(key))).toEqual([])
  })

  it.each([...LOG_TYPES])('gives the same %s findings as the whole record', logType => {
    const whole = createFindings(settings())
    const parts = createFindings(settings())
    const records = recordsOf(logType)
    expect(records.length).toBeGreaterThan(0)
    for (const record of records) {
      whole.observe(logType, record)
      parts.observe(logType, parts.observedPart(logType, record))
    }
    expect(parts.result()).toEqual(whole.result())
    expect(whole.result().logTypes[logType]?.records).toBe(records.length)
  })

  it('leaves out what the findings do not read', () => {
    const findings = createFindings(settings())
    const part = findings.observedPart('interactive-sign-ins', {
      id: 'x',
      createdDateTime: '2026-01-01T00:00:00Z',
      appDisplayName: 'App',
      userPrincipalName: 'someone@example.com',
      deviceDetail: { browser: 'Edge' }
    })
    expect(part).toEqual({ createdDateTime: '2026-01-01T00:00:00Z', appDisplayName: 'App' })
  })
})

/** A record with every key in `keys` (so observedPart keeps exactly those it declares). */
function everyField(keys: Set<string>): Record<string, unknown> {
  return Object.fromEntries([...keys].map(key => [key, null]))
}
