/**
 * `incremental: true` where @actions/cache is a stub without
 * isFeatureAvailable, as under @github/local-action: the run goes on with a
 * warning instead of crashing with "isFeatureAvailable is not a function".
 * @actions/cache is replaced at the module boundary, as such tools do.
 */
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const saved = new Map<string, string>()
jest.unstable_mockModule('@actions/cache', () => ({
  restoreCache: async (paths: string[], primaryKey: string) => {
    const key = [...saved.keys()].filter(k => k.startsWith(primaryKey)).pop()
    if (key === undefined) return undefined
    writeFileSync(paths[0], saved.get(key)!)
    return key
  },
  saveCache: async (paths: string[], key: string) => {
    saved.set(key, readFileSync(paths[0], 'utf8'))
    return saved.size
  }
}))

const { prepareIncremental, saveIncremental } = await import('../../src/state/incremental.js')
const { settingsFor } = await import('../support/summary-fixtures.js')

const logger = { debug: () => undefined, info: () => undefined, warning: () => undefined }

it('warns about the partial cache API, exports from since, and still saves the state', async () => {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'partial-cache-'))
  try {
    const settings = settingsFor({ incremental: true, logTypes: ['audit-logs'] })
    const now = new Date('2026-10-06T01:00:00Z')
    const env = { RUNNER_TEMP: runnerTemp, GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1' }
    const run = await prepareIncremental(settings, env, now, logger)
    expect(run.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/lacks isFeatureAvailable/),
        expect.stringMatching(/no saved state/)
      ])
    )
    expect(run.store).toBeDefined()
    const key = await saveIncremental(
      run,
      settings,
      {
        durationMs: 0,
        pacer: {},
        logTypes: [
          {
            logType: 'audit-logs',
            status: 'ok',
            rows: 0,
            window: settings.window,
            rememberedIds: []
          }
        ]
      } as never,
      env,
      now
    )
    expect(key).toMatch(/-7-1-\d+$/)
    expect(saved.has(key!)).toBe(true)
    // The next run restores it.
    const next = await prepareIncremental(settings, env, now, logger)
    expect(next.restoredKey).toBe(key)
  } finally {
    rmSync(runnerTemp, { recursive: true, force: true })
  }
})
