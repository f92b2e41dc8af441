/**
 * A small real parser for the subset of OData $filter the report endpoints accept:
 * clauses joined by `and` (optionally parenthesised), time comparisons with unquoted
 * instants, `signInEventTypes/any(t: t eq '...')`, and `<path> eq <literal>`.
 * Anything else is rejected the way Graph does: 400 "Invalid filter clause".
 */
import { parseInstant } from './dataset.js'

export type Clause =
  | {
      kind: 'time'
      field: string
      op: 'ge' | 'gt' | 'le' | 'lt' | 'eq'
      wholeSecondMs: number
      ticks: number
    }
  | { kind: 'eventType'; value: string }
  | { kind: 'eq'; path: string[]; value: string | number | boolean | null }

export class FilterError extends Error {}

type Token =
  | { t: 'lp' | 'rp' | 'colon' }
  | { t: 'word'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'instant'; v: string }

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})/
const WORD = /^[A-Za-z_$][A-Za-z0-9_]*(?:[/.][A-Za-z_][A-Za-z0-9_]*)*/
const NUMBER = /^-?\d+(?:\.\d+)?/

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let s = text
  while (s.length > 0) {
    const ws = /^\s+/.exec(s)
    if (ws) {
      s = s.slice(ws[0].length)
      continue
    }
    const c = s[0]
    if (c === '(' || c === ')' || c === ':') {
      out.push({ t: c === '(' ? 'lp' : c === ')' ? 'rp' : 'colon' })
      s = s.slice(1)
      continue
    }
    if (c === "'") {
      // OData escapes a quote inside a string by doubling it.
      let i = 1
      let v = ''
      for (;;) {
        if (i >= s.length) throw new FilterError('unterminated string')
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'"
            i += 2
            continue
          }
          break
        }
        v += s[i++]
      }
      out.push({ t: 'string', v })
      s = s.slice(i + 1)
      continue
    }
    const m = INSTANT.exec(s) ?? undefined
    if (m) {
      out.push({ t: 'instant', v: m[0] })
      s = s.slice(m[0].length)
      continue
    }
    const n = NUMBER.exec(s)
    if (n) {
      out.push({ t: 'number', v: Number(n[0]) })
      s = s.slice(n[0].length)
      continue
    }
    const w = WORD.exec(s)
    if (w) {
      out.push({ t: 'word', v: w[0] })
      s = s.slice(w[0].length)
      continue
    }
    throw new FilterError(`unexpected character ${c}`)
  }
  return out
}

const OPS = new Set(['eq', 'ge', 'gt', 'le', 'lt'])

/**
 * Parses `text` into ANDed clauses. `timeField` is the field the endpoint can filter on
 * by time (undefined: none).
 */
export function parseFilter(text: string, timeField: string | undefined): Clause[] {
  const tokens = tokenize(text)
  let pos = 0
  const peek = (): Token | undefined => tokens[pos]
  const next = (): Token => {
    const tok = tokens[pos++]
    if (!tok) throw new FilterError('unexpected end')
    return tok
  }
  const expect = (t: Token['t']): Token => {
    const tok = next()
    if (tok.t !== t) throw new FilterError(`expected ${t}`)
    return tok
  }

  function conjunction(): Clause[] {
    const clauses = clause()
    for (;;) {
      const tok = peek()
      if (tok?.t !== 'word' || tok.v !== 'and') return clauses
      pos++
      clauses.push(...clause())
    }
  }

  function clause(): Clause[] {
    const tok = next()
    if (tok.t === 'lp') {
      const inner = conjunction()
      expect('rp')
      return inner
    }
    if (tok.t !== 'word') throw new FilterError('expected a property')
    if (tok.v === 'signInEventTypes/any') {
      expect('lp')
      const variable = expect('word') as { v: string }
      expect('colon')
      const again = expect('word') as { v: string }
      const op = expect('word') as { v: string }
      const value = expect('string') as { v: string }
      expect('rp')
      if (again.v !== variable.v || op.v !== 'eq') throw new FilterError('bad lambda')
      return [{ kind: 'eventType', value: value.v }]
    }
    const op = expect('word') as { v: string }
    if (!OPS.has(op.v)) throw new FilterError(`unsupported operator ${op.v}`)
    const lit = next()
    if (timeField !== undefined && tok.v === timeField) {
      // Graph wants unquoted instants; a quoted date is an invalid clause.
      if (lit.t !== 'instant') throw new FilterError('time literal must be an unquoted instant')
      const at = parseInstant(lit.v)
      if (!at) throw new FilterError('bad instant')
      return [{ kind: 'time', field: tok.v, op: op.v as 'ge', ...at }]
    }
    if (op.v !== 'eq') throw new FilterError('range operators only apply to the time field')
    const path = tok.v.split(/[/.]/)
    if (lit.t === 'string' || lit.t === 'number') return [{ kind: 'eq', path, value: lit.v }]
    if (lit.t === 'word' && (lit.v === 'true' || lit.v === 'false'))
      return [{ kind: 'eq', path, value: lit.v === 'true' }]
    if (lit.t === 'word' && lit.v === 'null') return [{ kind: 'eq', path, value: null }]
    throw new FilterError('unsupported literal')
  }

  const clauses = conjunction()
  if (pos !== tokens.length) throw new FilterError('trailing input')
  return clauses
}

/** Value at a property path (`status/errorCode`), undefined when absent. */
export function valueAt(record: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = record
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[p]
  }
  return v
}
