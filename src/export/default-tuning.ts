import { DEFAULT_RETRY_POLICY } from '../graph/retry-policy.js'
import { THROTTLE_WINDOW_MARGIN_MS, THROTTLE_WINDOW_MS } from '../graph-limits.js'
import type { ExportTuning } from './types.js'

export const DEFAULT_TUNING: ExportTuning = {
  retryPolicy: DEFAULT_RETRY_POLICY,
  windowMs: THROTTLE_WINDOW_MS,
  windowMarginMs: THROTTLE_WINDOW_MARGIN_MS,
  minSplitMs: 60_000,
  progressIntervalMs: 30_000
}
