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

  /** The newest saved state, undefined when there is none; throws when one exists but is unreadable. */
  async load(): Promise<{ state: ExportState; key: string } | undefined> {
    await rm(this.path, { force: true })
    await mkdir(dirname(this.path), { recursive: true })
    const key = await cache.restoreCache([this.path], `${this.keyPrefix}-`, [`${this.keyPrefix}-`])
    if (!key) return undefined
    const text = await readFile(this.path, 'utf8')
    return { state: parseState(text), key }
  }

  async save(state: ExportState, runId: string, attempt: string): Promise<string> {
    await mkdir(dirname(this.path), { recursive: true })
    await writeFile(this.path, JSON.stringify(state))
    const key = `${this.keyPrefix}-${runId}-${attempt}-${Date.now()}`
    await cache.saveCache([this.path], key)
    return key
  }
}
