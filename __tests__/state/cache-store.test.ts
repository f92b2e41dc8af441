/**
 * The cache API as stand-ins for the runner provide it: whole, without
 * isFeatureAvailable (@github/local-action's stub), or without restore/save.
 * The stubs keep entries in a Map and copy the real file, so a save followed
 * by a load really round-trips the state through the store's own path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CacheStateStore, type CacheApi } from '../../src/state/cache-store.js'
import type { ExportState } from '../../src/state/state-format.js'

const STATE: ExportState = {
  version: 1,
  tenantId: 't',
  savedAt: '2026-10-06T00:00:00.000Z',
  logTypes: {
    'audit-logs': {
      end: '2026-10-06T00:00:00.000Z',
      idsFrom: '2026-10-05T22:00:00.000Z',
      guids: '',
      otherIds: ['x']
    }
  }
}

let temp: string
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'cache-store-'))
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

/** restoreCache/saveCache over a Map: prefix lookup returns the newest key. */
function mapCache(): Required<Pick<CacheApi, 'restoreCache' | 'saveCache'>> & {
  entries: Map<string, string>
} {
  const entries = new Map<string, string>()
  return {
    entries,
    async saveCache(paths, key) {
      entries.set(key, readFileSync(paths[0], 'utf8'))
      return entries.size
    },
    async restoreCache(paths, primaryKey) {
      const key = [...entries.keys()].filter(k => k.startsWith(primaryKey)).pop()
      if (key === undefined) return undefined
      writeFileSync(paths[0], entries.get(key)!)
      return key
    }
  }
}

describe('CacheStateStore availability', () => {
  it('asks isFeatureAvailable when it exists', () => {
    const api = { ...mapCache(), isFeatureAvailable: () => false }
    expect(new CacheStateStore('k', temp, api).availability()).toEqual({ available: false })
    api.isFeatureAvailable = () => true
    expect(new CacheStateStore('k', temp, api).availability()).toEqual({ available: true })
  })

  it('without isFeatureAvailable (local-action stub) it warns and still round-trips the state', async () => {
    const api = mapCache()
    const store = new CacheStateStore('k', temp, api)
    const availability = store.availability()
    expect(availability.available).toBe(true)
    expect(availability.warning).toMatch(/lacks isFeatureAvailable/)
    expect(await store.load()).toBeUndefined()
    const key = await store.save(STATE, '42', '1')
    expect(key).toMatch(/^k-42-1-\d+$/)
    expect(await store.load()).toEqual({ state: STATE, key })
  })

  it('without restoreCache or saveCache it is unavailable, naming what is missing', async () => {
    const { saveCache } = mapCache()
    const store = new CacheStateStore('k', temp, { saveCache })
    expect(store.availability()).toEqual({
      available: false,
      warning: expect.stringMatching(/lacks restoreCache\b/)
    })
    expect(await store.load()).toBeUndefined()
    expect(new CacheStateStore('k', temp, {}).availability().warning).toMatch(
      /lacks restoreCache and saveCache/
    )
    await expect(new CacheStateStore('k', temp, {}).save(STATE, '1', '1')).rejects.toThrow(
      /no saveCache/
    )
  })

  it('turns saveCache returning -1 (refused, read-only) into an error instead of a key', async () => {
    const api = { ...mapCache(), saveCache: async () => -1 }
    await expect(new CacheStateStore('k', temp, api).save(STATE, '42', '1')).rejects.toThrow(
      /did not save k-42-1-\d+ \(saveCache returned -1\)/
    )
  })
})
