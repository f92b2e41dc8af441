/**
 * Issue 14, item 7: incremental state you can trust. The saved end never moves
 * back, a stopped log type records exactly what it did not reach, the overlap
 * never reaches before an absolute since, a refused save is a failure and a
 * restore error is not "no saved state".
 */
import { jest } from '@jest/globals'
import type { LogTypeName, Settings } from '../../src/settings.js'
import { makeSettings } from '../auth/fixtures.js'

const saveCache = jest.fn<(paths: string[], key: string) => Promise<number>>()
const restoreCache =
  jest.fn<
    (
      paths: string[],
      key: string,
      restoreKeys?: string[],
      options?: { lookupOnly?: boolean }
    ) => Promise<string | undefined>
  >()
jest.unstable_mockModule('@actions/cache', () => ({
  saveCache,
  restoreCache,
  isFeatureAvailable: () => true
}))
const { nextState, planContinuity } = await import('../../src/state/continuity.js')
const { CacheStateStore, StateRestoreError } = await import('../../src/state/cache-store.js')
const { prepareIncremental } = await import('../../src/state/incremental.js')

const H = 3_600_000
const T0 = Date.parse('2026-10-05T00:00:00Z')
const iso = (ms: number): string => new Date(ms).toISOString()
const quiet = { debug: () => {}, info: () => {}, warning: () => {} }

function settings(overrides: Partial<Settings> = {}): Settings {
  return makeSettings({
    logTypes: ['audit-logs'],
    window: { start: new Date(T0), end: new Date(T0 + 10 * H) },
    incremental: true,
    overlapMs: 2 * H,
    ...overrides
  })
}

const outcome = (status: 'ok' | 'stopped' | 'failed', extra = {}) => ({
  logType: 'audit-logs' as LogTypeName,
  status,
  rememberedIds: [],
  ...extra
})

describe('the next state', () => {
  it('a stopped log type moves to the window end and records the ranges it did not reach as pending', () => {
    const state = nextState(
      undefined,
      settings(),
      [
        outcome('stopped', {
          targetRanges: [{ startMs: T0, endMs: T0 + 10 * H }],
          completeRanges: [
            { startMs: T0 + 2 * H, endMs: T0 + 4 * H },
            { startMs: T0 + 8 * H, endMs: T0 + 10 * H }
          ]
        })
      ],
      new Date(T0 + 11 * H),
      '1'
    )
    expect(state.logTypes['audit-logs']?.end).toBe(iso(T0 + 10 * H))
    expect(state.logTypes['audit-logs']?.pending).toEqual([
      { start: iso(T0), end: iso(T0 + 2 * H) },
      { start: iso(T0 + 4 * H), end: iso(T0 + 8 * H) }
    ])
  })

  it('the next run reads the pending ranges too, and clears them once they are done', () => {
    const previous = nextState(
      undefined,
      settings(),
      [
        outcome('stopped', {
          targetRanges: [{ startMs: T0, endMs: T0 + 10 * H }],
          completeRanges: [{ startMs: T0 + 6 * H, endMs: T0 + 10 * H }]
        })
      ],
      new Date(T0 + 11 * H),
      '1'
    )
    const later = settings({ window: { start: new Date(T0), end: new Date(T0 + 12 * H) } })
    const plan = planContinuity(later, previous, new Date(T0 + 12 * H)).plans['audit-logs']!
    expect(plan.window).toEqual({ start: new Date(T0 + 8 * H), end: new Date(T0 + 12 * H) })
    expect(plan.pending).toEqual([{ startMs: T0, endMs: T0 + 6 * H }])
    const done = nextState(previous, later, [outcome('ok')], new Date(T0 + 12 * H), '2')
    expect(done.logTypes['audit-logs']?.pending).toBeUndefined()
    expect(done.logTypes['audit-logs']?.end).toBe(iso(T0 + 12 * H))
  })

  it('the saved end never moves backwards', () => {
    const previous = nextState(undefined, settings(), [outcome('ok')], new Date(T0 + 11 * H), '1')
    const earlier = settings({ window: { start: new Date(T0), end: new Date(T0 + 5 * H) } })
    const state = nextState(previous, earlier, [outcome('ok')], new Date(T0 + 12 * H), '2')
    expect(state.logTypes['audit-logs']?.end).toBe(iso(T0 + 10 * H))
  })

  it('the overlap never reaches before an absolute since, but a relative since does not cut it', () => {
    const previous = nextState(
      undefined,
      settings({ window: { start: new Date(T0), end: new Date(T0 + H) } }),
      [outcome('ok')],
      new Date(T0 + H),
      '1'
    )
    const next = (sinceIsAbsolute: boolean) =>
      planContinuity(
        settings({ window: { start: new Date(T0), end: new Date(T0 + 2 * H) }, sinceIsAbsolute }),
        previous,
        new Date(T0 + 2 * H)
      ).plans['audit-logs']!.window.start
    expect(next(true)).toEqual(new Date(T0))
    expect(next(false)).toEqual(new Date(T0 - H))
  })
})

describe('the cache boundary', () => {
  beforeEach(() => {
    saveCache.mockReset()
    restoreCache.mockReset()
  })
  const state = { version: 1 as const, tenantId: 't', savedAt: iso(T0), logTypes: {} }

  it('a save that returns -1 is a failure, not "saved"', async () => {
    saveCache.mockResolvedValue(-1)
    const store = new CacheStateStore('prefix', '/tmp/state-trust-test')
    await expect(store.save(state, '1', '1')).rejects.toThrow(/returned -1/)
    saveCache.mockResolvedValue(42)
    await expect(store.save(state, '1', '1')).resolves.toMatch(/^prefix-1-1-/)
  })

  it('a state that exists but cannot be restored is an error, not "no saved state"', async () => {
    // restoreCache logs download errors and returns undefined, as for a miss.
    restoreCache.mockImplementation((_p, _k, _r, options) =>
      Promise.resolve(options?.lookupOnly ? 'prefix-7-1-1' : undefined)
    )
    const store = new CacheStateStore('prefix', '/tmp/state-trust-test')
    await expect(store.load()).rejects.toBeInstanceOf(StateRestoreError)
    await expect(
      prepareIncremental(
        settings({ stateKey: 'prefix' }),
        { RUNNER_TEMP: '/tmp/state-trust-test' },
        new Date(T0),
        quiet
      )
    ).rejects.toThrow(/exists but could not be restored.*Not exporting/)

    restoreCache.mockResolvedValue(undefined)
    const fresh = await prepareIncremental(
      settings({ stateKey: 'prefix' }),
      { RUNNER_TEMP: '/tmp/state-trust-test' },
      new Date(T0),
      quiet
    )
    expect(fresh.warnings.join('\n')).toMatch(/no saved state/)
  })
})
