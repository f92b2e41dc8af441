import * as cache from '@actions/cache'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseState, type ExportState } from './state-format.js'

/**
 * The parts of @actions/cache the store uses. Each may be missing: tools that
 * stand in for the runner stub the module, and @github/local-action's stub
 * has restoreCache and saveCache but no isFeatureAvailable.
 */
export interface CacheApi {
  isFeatureAvailable?: () => boolean
  restoreCache?: (
    paths: string[],
    primaryKey: string,
    restoreKeys?: string[],
    options?: { lookupOnly?: boolean }
  ) => Promise<string | undefined>
  saveCache?: (paths: string[], key: string) => Promise<number>
}

export interface CacheAvailability {
  available: boolean
  /** Set when the cache API is only partly present: what is missing and what the run does about it. */
  warning?: string
}

/**
 * The export state lives in the Actions cache: saved under a new key each run
 * (cache keys are immutable) and restored by prefix, which returns the newest
 * entry. The file path must be the same on save and restore: the cache
 * version is a hash of it.
 */
export class CacheStateStore {
  private readonly path: string

  constructor(
    private readonly keyPrefix: string,
    runnerTemp: string,
    private readonly api: CacheApi = cache
  ) {
    this.path = join(runnerTemp, 'entra-log-export-state', 'state.json')
  }

  /**
   * Whether state can be restored and saved here. Without restoreCache or
   * saveCache it cannot. Without isFeatureAvailable alone (a stub) the two
   * calls are tried anyway: a restore that finds nothing and a save that
   * fails are already handled as a first run and an unsaved state.
   */
  availability(): CacheAvailability {
    const { isFeatureAvailable, restoreCache, saveCache } = this.api
    if (typeof restoreCache !== 'function' || typeof saveCache !== 'function') {
      const missing = [
        typeof restoreCache !== 'function' ? 'restoreCache' : [],
        typeof saveCache !== 'function' ? 'saveCache' : []
      ].flat()
      return {
        available: false,
        warning: `incremental: the @actions/cache API here lacks ${missing.join(' and ')} (a stand-in for the runner?), so no state can be restored or saved.`
      }
    }
    if (typeof isFeatureAvailable !== 'function') {
      return {
        available: true,
        warning:
          'incremental: the @actions/cache API here lacks isFeatureAvailable (a stand-in for the runner, such as @github/local-action?); trying to restore and save the state anyway.'
      }
    }
    return { available: isFeatureAvailable() }
  }

  available(): boolean {
    return this.availability().available
  }

  /**
   * The newest saved state, undefined when there is none; throws when one
   * exists but could not be restored or read. restoreCache logs and swallows
   * service and download errors, returning undefined as for a miss
   * (@actions/cache 6.3 lib/cache.js, restoreCacheV2): a lookup first tells
   * "there is a state" apart from "there is none".
   */
  async load(): Promise<{ state: ExportState; key: string } | undefined> {
    if (typeof this.api.restoreCache !== 'function') return undefined
    await rm(this.path, { force: true })
    await mkdir(dirname(this.path), { recursive: true })
    const prefix = `${this.keyPrefix}-`
    const found = await this.api.restoreCache([this.path], prefix, [prefix], { lookupOnly: true })
    if (!found) return undefined
    const key = await this.api.restoreCache([this.path], prefix, [prefix])
    if (!key) {
      throw new StateRestoreError(
        `the saved state ${found} exists but could not be restored (see the cache warning above)`
      )
    }
    const text = await readFile(this.path, 'utf8')
    return { state: parseState(text), key }
  }

  /**
   * Saves the state under a new key and returns it. saveCache reports a refusal
   * (read-only cache, service error, a stub that does nothing) by returning -1
   * rather than throwing (actions/cache checks `cacheId != -1` too), so that is
   * turned into an error here.
   */
  async save(state: ExportState, runId: string, attempt: string): Promise<string> {
    if (typeof this.api.saveCache !== 'function') {
      throw new Error('the @actions/cache API here has no saveCache')
    }
    await mkdir(dirname(this.path), { recursive: true })
    await writeFile(this.path, JSON.stringify(state))
    const key = `${this.keyPrefix}-${runId}-${attempt}-${Date.now()}`
    // saveCache reports a refused or failed save by returning -1, not by throwing
    // (@actions/cache README; actions/cache itself checks cacheId != -1).
    const id = await this.api.saveCache([this.path], key)
    if (typeof id === 'number' && id === -1) {
      throw new Error(`the Actions cache did not save ${key} (saveCache returned -1)`)
    }
    return key
  }
}

/** A state exists but could not be fetched: not the same as having none. */
export class StateRestoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StateRestoreError'
  }
}
