/**
 * One audit-log Chain reading from a scripted transport: for tests that fix
 * Graph's answers page by page, so what a chain writes and estimates is exact.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Chain } from '../../src/export/chain.js'
import { systemClock } from '../../src/graph/clock.js'
import { newCounters } from '../../src/graph/fetch-context.js'
import type { GraphTransport, PageResponse } from '../../src/graph/graph-transport.js'
import { Pacer } from '../../src/graph/pacer.js'
import { DEFAULT_RETRY_POLICY } from '../../src/graph/retry-policy.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { recordingLogger, type RecordingLogger } from './recording-logger.js'

/** A JSON answer, streamed in one piece. */
export function scriptedResponse(status: number, body: unknown): PageResponse {
  const bytes = Buffer.from(JSON.stringify(body))
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json' }),
    body: (async function* () {
      yield new Uint8Array(bytes)
    })(),
    text: async () => bytes.toString('utf8')
  }
}

export interface ScriptedChainOptions {
  transport: GraphTransport
  /** The export's window; the chain reads [window.start, endMs). */
  window: { start: Date; end: Date }
  /** The end of the chain's range (default: the window's end). */
  endMs?: number
  pageSize: number
  /** Records per ms over what the log type has read (default 0). */
  averageDensity?: () => number
  onProgress?: () => void
  logger?: RecordingLogger
}

export function scriptedAuditChain(options: ScriptedChainOptions): Chain {
  const spec = LOG_TYPE_SPECS['audit-logs']
  const logger = options.logger ?? recordingLogger()
  const { window } = options
  return new Chain(
    {
      spec,
      graphEndpoint: 'https://graph.test',
      extraFilter: '',
      pageSize: options.pageSize,
      window,
      logger,
      onProgress: options.onProgress ?? (() => {}),
      averageDensity: options.averageDensity ?? (() => 0),
      fetch: {
        transport: options.transport,
        pacer: new Pacer({ rate: 1000, windowMs: 1000, maxConcurrency: 1 }),
        clock: systemClock,
        policy: DEFAULT_RETRY_POLICY,
        logger,
        spec,
        cloud: 'public',
        counters: newCounters()
      }
    },
    window.start.getTime(),
    options.endMs ?? window.end.getTime(),
    join(mkdtempSync(join(tmpdir(), 'scripted-chain-')), 'chain.jsonl')
  )
}
