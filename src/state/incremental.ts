import { createHash } from 'node:crypto'
import { errorMessage } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Settings } from '../settings.js'
import { UserError } from '../errors.js'
import { CacheStateStore, StateRestoreError } from './cache-store.js'
import {
  nextState,
  planContinuity,
  type ContinuityPlan,
  type ContinuitySettings,
  type LogTypeOutcome
} from './continuity.js'
import type { ExportState } from './state-format.js'

export interface IncrementalRun extends ContinuityPlan {
  keyPrefix: string
  previous?: ExportState
  /** Key the previous state was restored from. */
  restoredKey?: string
  store?: CacheStateStore
}

/** The state key: the user's, or one derived from what makes two runs the same series. */
export function stateKeyPrefix(
  settings: Pick<Settings, 'stateKey' | 'tenantId' | 'clientId' | 'logTypes' | 'filter'>
): string {
  if (settings.stateKey !== '') return settings.stateKey
  const series = [
    settings.tenantId,
    settings.clientId,
    [...settings.logTypes].sort().join(','),
    settings.filter
  ]
  return `entra-log-export-${createHash('sha256').update(series.join('\n')).digest('hex').slice(0, 16)}`
}

/**
 * Restore the previous run's state and choose each log type's window from it.
 * A missing or unreadable state is not an error: the run falls back to `since`
 * and says that continuity with earlier runs is not proven.
 */
export async function prepareIncremental(
  settings: Parameters<typeof stateKeyPrefix>[0] & ContinuitySettings,
  env: NodeJS.ProcessEnv,
  now: Date,
  logger: Logger
): Promise<IncrementalRun> {
  const keyPrefix = stateKeyPrefix(settings)
  const store = new CacheStateStore(keyPrefix, env.RUNNER_TEMP || '/tmp')
  const warnings: string[] = []
  let previous: ExportState | undefined
  let restoredKey: string | undefined
  const availability = store.availability()
  if (availability.warning) warnings.push(availability.warning)
  if (!availability.available) {
    warnings.push(
      'incremental: the Actions cache is not available here, so no state can be restored or saved; exporting from since. Continuity with earlier runs is not proven.'
    )
    return { keyPrefix, ...withWarnings(planContinuity(settings, undefined, now), warnings) }
  }
  try {
    const loaded = await store.load()
    if (loaded) {
      previous = loaded.state
      restoredKey = loaded.key
      logger.info(`Restored export state ${loaded.key} (saved ${loaded.state.savedAt}).`)
    } else {
      warnings.push(
        `incremental: no saved state under '${keyPrefix}' (first run, or evicted after 7 days unused): exporting from since (${settings.window.start.toISOString()}). Continuity with earlier runs is not proven.`
      )
    }
  } catch (error) {
    if (error instanceof StateRestoreError) {
      // Exporting from since now would repeat what earlier runs delivered; the next run can restore it.
      throw new UserError(
        `incremental: ${error.message}. Not exporting, so no record is repeated or skipped; ` +
          're-run the workflow (the state stays in the cache).',
        { cause: error }
      )
    }
    warnings.push(
      `incremental: the saved state under '${keyPrefix}' could not be read (${errorMessage(error)}): exporting from since. Continuity with earlier runs is not proven.`
    )
  }
  return {
    keyPrefix,
    previous,
    restoredKey,
    store,
    ...withWarnings(planContinuity(settings, previous, now), warnings)
  }
}

function withWarnings(plan: ContinuityPlan, warnings: string[]): ContinuityPlan {
  return { plans: plan.plans, warnings: [...warnings, ...plan.warnings] }
}

/** Save the next state; call only once the files are safely delivered. */
export async function saveIncremental(
  run: IncrementalRun,
  settings: Parameters<typeof nextState>[1],
  /** The export's result: what each log type delivered (state reads no more of it). */
  result: { logTypes: readonly LogTypeOutcome[] },
  env: NodeJS.ProcessEnv,
  now: Date
): Promise<string | undefined> {
  if (!run.store) return undefined
  const state = nextState(
    run.previous,
    settings,
    result.logTypes.map(t => ({
      logType: t.logType,
      status: t.status,
      rememberedIds: t.rememberedIds,
      targetRanges: t.targetRanges,
      completeRanges: t.completeRanges
    })),
    now,
    env.GITHUB_RUN_ID
  )
  return run.store.save(state, env.GITHUB_RUN_ID ?? 'local', env.GITHUB_RUN_ATTEMPT ?? '1')
}
