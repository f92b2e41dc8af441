/**
 * The latency distribution of recent requests, tail included: what the
 * scheduler needs to size the number of chains (Little's law takes the mean,
 * and the mean of a heavy-tailed distribution is far above its median) and to
 * tell an overdue page from an ordinary one.
 */
export class LatencyStats {
  private readonly samples: number[] = []
  private next = 0

  /** Keeps the last `capacity` samples: page latency drifts over a long export. */
  constructor(private readonly capacity = 256) {}

  add(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return
    if (this.samples.length < this.capacity) this.samples.push(ms)
    else this.samples[this.next] = ms
    this.next = (this.next + 1) % this.capacity
  }

  get count(): number {
    return this.samples.length
  }

  mean(): number {
    if (this.samples.length === 0) return 0
    return this.samples.reduce((sum, ms) => sum + ms, 0) / this.samples.length
  }

  /** The mean with every sample capped at `capMs` (what a page costs a chain before it is overdue). */
  cappedMean(capMs: number): number {
    if (this.samples.length === 0) return 0
    return this.samples.reduce((sum, ms) => sum + Math.min(ms, capMs), 0) / this.samples.length
  }

  /** The q-quantile (0..1) of the kept samples, nearest rank; 0 with none. */
  quantile(q: number): number {
    if (this.samples.length === 0) return 0
    const sorted = [...this.samples].sort((a, b) => a - b)
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
    return sorted[rank]
  }
}
