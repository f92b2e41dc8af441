/** [start, end) cut into up to `count` equal slices on whole seconds, none shorter than minMs. */
export function initialSlices(
  window: { start: Date; end: Date },
  count: number,
  minMs: number
): { startMs: number; endMs: number }[] {
  const startMs = window.start.getTime()
  const endMs = window.end.getTime()
  const n = Math.max(1, Math.min(count, Math.floor((endMs - startMs) / Math.max(1, minMs))))
  const edges = [startMs]
  for (let i = 1; i < n; i++) {
    edges.push(Math.floor((startMs + ((endMs - startMs) * i) / n) / 1000) * 1000)
  }
  edges.push(endMs)
  const slices: { startMs: number; endMs: number }[] = []
  for (let i = n - 1; i >= 0; i--) {
    if (edges[i + 1] > edges[i]) slices.push({ startMs: edges[i], endMs: edges[i + 1] })
  }
  return slices.length > 0 ? slices : [{ startMs, endMs }]
}
