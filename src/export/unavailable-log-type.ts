import { newCounters } from '../graph/fetch-context.js'
import type { LogTypeSpec } from '../log-types.js'
import type { Cloud } from '../settings.js'
import type { LogTypeResult } from './types.js'

/** A log type this cloud does not offer: fail it clearly, without a request. */
export function unavailable(spec: LogTypeSpec, cloud: Cloud): LogTypeResult {
  return {
    logType: spec.name,
    title: spec.title,
    status: 'failed',
    error:
      `${spec.title} is not available in the '${cloud}' cloud: Microsoft's API reference ` +
      `(${spec.docs}, national cloud table) lists ${spec.version}${spec.path} for ${spec.clouds.join(', ')} only. ` +
      `Remove '${spec.name}' from log-types for this tenant.`,
    request: { url: '', filter: '' },
    rows: 0,
    duplicatesDropped: 0,
    drops: { outOfWindow: 0, refetched: 0, untimed: 0 },
    counters: newCounters(),
    chains: 0,
    chainRestarts: 0,
    files: [],
    truncatedCells: 0,
    unknownFields: [],
    durationMs: 0,
    rememberedIds: []
  }
}
