/**
 * Turns one Graph value into the text of one CSV cell. This is the only place
 * that decides how nested values look in CSV, so exporters never print
 * `[object Object]` and spreadsheet users are protected from formula injection.
 */
import { cellJson } from './bounded-json.js'

export interface CellOptions {
  /** Prefix formula-like strings with `'` (OWASP CSV injection advice). */
  escapeFormulas: boolean
  /** Longest cell text allowed, marker included. */
  maxCellLength: number
}

/** Excel's hard limit on characters in one cell; longer cells are cut on open. */
export const EXCEL_MAX_CELL = 32767

/** Appended to cut cells so readers see the value is incomplete (JSONL keeps it whole). */
export const TRUNCATION_MARKER = '…[truncated]'

/** Separator for arrays of scalars, e.g. signInEventTypes. */
export const LIST_SEPARATOR = '; '

/**
 * First characters that make Excel, LibreOffice or Sheets evaluate a cell.
 * https://owasp.org/www-community/attacks/CSV_Injection lists = + - @ TAB CR;
 * the full-width forms are included because Apple Numbers normalises them to
 * the ASCII ones (csv-stringify's own escape_formulas does the same).
 */
const FORMULA_TRIGGERS = new Set([
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\uFF1D',
  '\uFF0B',
  '\uFF0D',
  '\uFF20'
])

export function toCell(value: unknown, options: CellOptions): { text: string; truncated: boolean } {
  let text: string
  // Only text that came from strings is escaped: a number such as -1 must stay a number.
  let escapable = false
  switch (typeof value) {
    case 'string':
      text = value
      escapable = true
      break
    case 'number':
    case 'bigint':
      text = String(value)
      break
    case 'boolean':
      text = value ? 'true' : 'false'
      break
    case 'undefined':
      text = ''
      break
    case 'object':
      if (value === null) {
        text = ''
      } else if (Array.isArray(value) && isScalarArray(value)) {
        text = joinScalars(value)
        escapable = true
      } else {
        text = cellJson(value)
      }
      break
    default:
      // Functions and symbols never come out of JSON; keep them visible rather than empty.
      text = String(value)
  }
  if (escapable && options.escapeFormulas && text.length > 0 && FORMULA_TRIGGERS.has(text[0])) {
    text = `'${text}`
  }
  if (text.length <= options.maxCellLength) return { text, truncated: false }
  return { text: truncate(text, options.maxCellLength), truncated: true }
}

function isScalarArray(values: unknown[]): boolean {
  for (const v of values) {
    if (v !== null && typeof v === 'object') return false
  }
  return true
}

function joinScalars(values: unknown[]): string {
  let out = ''
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += LIST_SEPARATOR
    const v = values[i]
    // Missing elements stay as empty slots so projections of parallel lists keep their alignment.
    if (v !== null && v !== undefined) out += String(v)
  }
  return out
}

function truncate(text: string, max: number): string {
  if (max < TRUNCATION_MARKER.length) {
    throw new Error(`maxCellLength ${max} is shorter than the truncation marker`)
  }
  let cut = max - TRUNCATION_MARKER.length
  // Never split a surrogate pair: half an emoji is not valid UTF-8 once written.
  const last = text.charCodeAt(cut - 1)
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut--
  return text.slice(0, cut) + TRUNCATION_MARKER
}
