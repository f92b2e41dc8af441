/** Half-open time ranges [startMs, endMs), for what a run read and what is still missing. */
export interface Range {
  startMs: number
  endMs: number
}

/** Sorted (oldest first), with overlapping and touching ranges joined, empty ones dropped. */
export function normalise(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter(r => r.endMs > r.startMs).sort((a, b) => a.startMs - b.startMs)
  const out: Range[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && r.startMs <= last.endMs) last.endMs = Math.max(last.endMs, r.endMs)
    else out.push({ ...r })
  }
  return out
}

/** The parts of `from` not covered by `minus`. */
export function subtract(from: readonly Range[], minus: readonly Range[]): Range[] {
  const cut = normalise(minus)
  const out: Range[] = []
  for (const r of normalise(from)) {
    let start = r.startMs
    for (const m of cut) {
      if (m.endMs <= start || m.startMs >= r.endMs) continue
      if (m.startMs > start) out.push({ startMs: start, endMs: m.startMs })
      start = Math.max(start, m.endMs)
    }
    if (start < r.endMs) out.push({ startMs: start, endMs: r.endMs })
  }
  return out
}

export function contains(ranges: readonly Range[], t: number): boolean {
  return ranges.some(r => t >= r.startMs && t < r.endMs)
}

export function toIso(ranges: readonly Range[]): { start: string; end: string }[] {
  return ranges.map(r => ({
    start: new Date(r.startMs).toISOString(),
    end: new Date(r.endMs).toISOString()
  }))
}
