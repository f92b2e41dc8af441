import * as cache from '@actions/cache'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseState, type ExportState } from './state-format.js'

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
    runnerTemp: string
  ) {
    this.path = join(runnerTemp, 'entra-log-export-state', 'state.json')
  }

  available(): boolean {
    return cache.isFeatureAvailable()
  }

  /**
   * The newest saved state, undefined when there is none; throws when one
   * exists but could not be restored or read. restoreCache logs and swallows
   * service and download errors, returning undefined as for a miss
   * (@actions/cache 6.3 lib/cache.js, restoreCacheV2): a lookup first tells
   * "there is a state" apart from "there is none".
   */
  async load(): Promise<{ state: ExportState; key: string } | undefined> {
    await rm(this.path, { force: true })
    await mkdir(dirname(this.path), { recursive: true })
    const prefix = `${this.keyPrefix}-`
    const found = await cache.restoreCache([this.path], prefix, [prefix], { lookupOnly: true })
    if (!found) return undefined
    const key = await cache.restoreCache([this.path], prefix, [prefix])
    if (!key) {
      throw new StateRestoreError(
        `the saved state ${found} exists but could not be restored (see the cache warning above)`
      )
    }
    const text = await readFile(this.path, 'utf8')
    return { state: parseState(text), key }
  }

  async save(state: ExportState, runId: string, attempt: string): Promise<string> {
    await mkdir(dirname(this.path), { recursive: true })
    await writeFile(this.path, JSON.stringify(state))
    const key = `${this.keyPrefix}-${runId}-${attempt}-${Date.now()}`
    // saveCache reports a refused or failed save by returning -1, not by throwing
    // (@actions/cache README; actions/cache itself checks cacheId != -1).
    const id = await cache.saveCache([this.path], key)
    if (id === -1) throw new Error('the cache service did not store it (saveCache returned -1)')
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
