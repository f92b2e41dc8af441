import { EXCEL_MAX_CELL, TRUNCATION_MARKER, toCell } from '../../src/output/cell.js'

const plain = { escapeFormulas: false, maxCellLength: EXCEL_MAX_CELL }
const escaping = { escapeFormulas: true, maxCellLength: EXCEL_MAX_CELL }
const text = (value: unknown, options = plain): string => toCell(value, options).text

describe('toCell', () => {
  it('writes scalars as text without changing them', () => {
    expect(text(null)).toBe('')
    expect(text(undefined)).toBe('')
    expect(text(true)).toBe('true')
    expect(text(false)).toBe('false')
    expect(text(0)).toBe('0')
    expect(text(-1.5)).toBe('-1.5')
    expect(text('')).toBe('')
    expect(text('2026-10-05T10:00:00.1234567Z')).toBe('2026-10-05T10:00:00.1234567Z')
  })

  it('joins scalar arrays and writes objects as compact JSON', () => {
    expect(text(['interactiveUser', 'nonInteractiveUser'])).toBe(
      'interactiveUser; nonInteractiveUser'
    )
    expect(text([1, true, null, 'x'])).toBe('1; true; ; x')
    expect(text([])).toBe('')
    expect(text({ a: 1, b: { c: [1, 2] } })).toBe('{"a":1,"b":{"c":[1,2]}}')
    expect(text([{ key: 'k', value: 'v' }])).toBe('[{"key":"k","value":"v"}]')
    expect(text([{ a: 1 }, 'mixed'])).toBe('[{"a":1},"mixed"]')
    for (const v of [{}, [{}], { x: {} }]) expect(text(v)).not.toContain('[object')
  })

  it.each(['=1+1', '+1', '-1+1', '@SUM(A1)', '\tx', '\rx', '\uFF1D1'])(
    'escapes formula-like string %j only when asked',
    value => {
      expect(text(value, escaping)).toBe(`'${value}`)
      expect(text(value)).toBe(value)
    }
  )

  it('never escapes numbers, booleans, JSON or safe strings', () => {
    expect(text(-1, escaping)).toBe('-1')
    expect(text(-0.25, escaping)).toBe('-0.25')
    expect(text(false, escaping)).toBe('false')
    expect(text({ '=a': 1 }, escaping)).toBe('{"=a":1}')
    expect(text('a=b', escaping)).toBe('a=b')
    expect(text("'already", escaping)).toBe("'already")
  })

  it('escapes the joined text of a scalar array', () => {
    expect(text(['=cmd', 'ok'], escaping)).toBe("'=cmd; ok")
    expect(text(['ok', '=cmd'], escaping)).toBe('ok; =cmd')
  })

  it('truncates to exactly the limit with a marker and says so', () => {
    const max = 50
    const long = 'x'.repeat(51)
    const cell = toCell(long, { escapeFormulas: false, maxCellLength: max })
    expect(cell.truncated).toBe(true)
    expect(cell.text).toHaveLength(max)
    expect(cell.text.endsWith(TRUNCATION_MARKER)).toBe(true)
    expect(toCell('x'.repeat(50), { escapeFormulas: false, maxCellLength: max })).toEqual({
      text: 'x'.repeat(50),
      truncated: false
    })
  })

  it('truncates after escaping, so the escaped cell still fits', () => {
    const cell = toCell('=' + 'a'.repeat(EXCEL_MAX_CELL), escaping)
    expect(cell.truncated).toBe(true)
    expect(cell.text).toHaveLength(EXCEL_MAX_CELL)
    expect(cell.text.startsWith("'=")).toBe(true)
  })

  it('does not cut an emoji in half', () => {
    const max = TRUNCATION_MARKER.length + 3
    // 'ab' + 😀 is 4 code units; a cut after 3 would leave a lone high surrogate.
    const cell = toCell('ab😀' + 'c'.repeat(20), { escapeFormulas: false, maxCellLength: max })
    expect(cell.text).toBe('ab' + TRUNCATION_MARKER)
    expect(cell.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })
})
