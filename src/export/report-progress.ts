import type { LogTypeName } from '../settings.js'
import type { ExportJob } from './create-job.js'
import type { Logger } from '../logger.js'
import type { LogTypeResult } from './types.js'

export function reportProgress(
  jobs: ExportJob[],
  results: Map<LogTypeName, LogTypeResult>,
  logger: Logger
): void {
  for (const job of jobs) {
    if (results.has(job.spec.name)) continue
    const kept = job.chains.reduce((sum, chain) => sum + chain.kept, 0)
    const running = job.chains.filter(chain => !chain.done).length
    const c = job.counters
    logger.info(
      `${job.spec.title}: ${kept} records so far (${c.pages} pages, ${running} of ${job.chains.length} time slices running, ` +
        `${c.retries} retries, ${c.throttled} throttled).`
    )
  }
}
