import { DEFAULT_RETRY_POLICY } from '../graph/page-fetcher.js'
import type { ExportTuning } from './types.js'

/** Graph's documented throttle window for these reports. */
export const THROTTLE_WINDOW_MS = 10_000

export const DEFAULT_TUNING: ExportTuning = {
  retryPolicy: DEFAULT_RETRY_POLICY,
  windowMs: THROTTLE_WINDOW_MS,
  minSplitMs: 60_000,
  progressIntervalMs: 30_000
}
