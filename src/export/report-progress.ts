import type { LogTypeName } from '../settings.js'
import type { ExportJob } from './create-job.js'
import type { ExportBoundary, LogTypeResult } from './types.js'

export function reportProgress(
  jobs: ExportJob[],
  results: Map<LogTypeName, LogTypeResult>,
  boundary: ExportBoundary
): void {
  for (const job of jobs) {
    if (results.has(job.spec.name)) continue
    const kept = job.chains.reduce((sum, chain) => sum + chain.kept, 0)
    const running = job.chains.filter(chain => !chain.done).length
    const c = job.counters
    boundary.logger.info(
      `${job.spec.title}: ${kept} records so far (${c.pages} pages, ${running} of ${job.chains.length} time slices running, ` +
        `${c.retries} retries, ${c.throttled} throttled).`
    )
  }
}
