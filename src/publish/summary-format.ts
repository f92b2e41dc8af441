/** Small pieces shared by the summary's sections: numbers, sizes, times, tables, the size budget. */

/** GitHub drops a step summary over 1 MiB whole; stay well under it. */
export const SUMMARY_LIMIT_BYTES = 900 * 1024

export function count(n: number): string {
  return n.toLocaleString('en-US')
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const whole = Math.round(s)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const sec = whole % 60
  return h > 0 ? `${h} h ${pad(m)} m` : `${m} m ${pad(sec)} s`
}

/** 2026-10-05 10:00 UTC, or with seconds when they are not zero. */
export function utc(date: Date | string): string {
  const iso = new Date(date).toISOString()
  const seconds = iso.slice(17, 19)
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds === '00' ? 16 : 19)} UTC`
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%'
  const p = (100 * part) / whole
  return p > 0 && p < 1 ? 'under 1%' : `${Math.round(p)}%`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/**
 * The summary as parts that are only added while they fit in the byte limit,
 * so the cut happens at a row or a section boundary and can be reported.
 */
export class Budget {
  private readonly parts: string[] = []
  private used = 0
  private full = false
  /** Rows and sections left out to stay under the limit. */
  cut = 0

  constructor(private readonly limit: number) {}

  /**
   * Add text when it fits within the limit minus `reserve`; returns whether it
   * was added. After the first miss nothing more is added, so the summary ends
   * at a clean boundary instead of picking smaller pieces out of context.
   */
  add(text: string, reserve = 0): boolean {
    const size = Buffer.byteLength(text, 'utf8') + 1
    if (this.full || this.used + size > this.limit - reserve) {
      this.full = true
      return false
    }
    this.parts.push(text)
    this.used += size
    return true
  }

  /** Add text that must be present (headers, failures); it is small by construction. */
  force(text: string): void {
    this.parts.push(text)
    this.used += Buffer.byteLength(text, 'utf8') + 1
  }

  toString(): string {
    return this.parts.join('\n')
  }
}

/** Room kept for the closing lines (the cut notice) whatever the sections take. */
export const RESERVE_BYTES = 1024

/**
 * A markdown table of cells already escaped by the caller. Rows that do not fit
 * are left out, and a line says how many.
 */
export function addTable(
  budget: Budget,
  headers: readonly string[],
  rows: readonly string[][],
  align: readonly ('l' | 'r')[] = []
): void {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  const rule = `|${headers.map((_, i) => (align[i] === 'r' ? '--:' : '---')).join('|')}|`
  if (!budget.add(`${line(headers)}\n${rule}`, RESERVE_BYTES)) {
    budget.cut++
    return
  }
  let left = 0
  for (const row of rows) {
    if (left > 0 || !budget.add(line(row), RESERVE_BYTES)) left++
  }
  budget.cut += left
  // The blank line ends the table; the reserve guarantees room for these two.
  budget.force('')
  if (left > 0) budget.force(`_${left} more rows cut to stay under the summary size limit._\n`)
}

/** Add a heading or a line; a miss counts as one cut section. */
export function section(budget: Budget, text: string): boolean {
  if (budget.add(text, RESERVE_BYTES)) return true
  budget.cut++
  return false
}
