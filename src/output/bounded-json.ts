/**
 * JSON text for a CSV cell, whatever the nesting. JSON.stringify recurses and
 * throws "Maximum call stack size exceeded" on records nested some thousands of
 * levels deep (Graph's JSON can carry that; JSON.parse reads it fine), which
 * would fail the whole log type over one odd record. Below MAX_CELL_DEPTH the
 * text is exactly JSON.stringify's; deeper levels become a marker. The JSONL
 * output keeps the record's own text, untouched.
 */
export const MAX_CELL_DEPTH = 64
export const TOO_DEEP = '[nested too deep]'

export function cellJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
  }
  return bounded(value, MAX_CELL_DEPTH)
}

function bounded(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (depth === 0) return JSON.stringify(TOO_DEEP)
  if (Array.isArray(value)) {
    return `[${value.map(item => bounded(item === undefined ? null : item, depth - 1)).join(',')}]`
  }
  const parts: string[] = []
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${bounded(item, depth - 1)}`)
  }
  return `{${parts.join(',')}}`
}
