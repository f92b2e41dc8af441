import { systemClock } from '../../src/graph/clock.js'
import { ManualClock } from '../support/manual-clock.js'

describe('systemClock', () => {
  it('reads epoch milliseconds', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(60_000)
  })

  it('sleeps, and rejects with the abort reason', async () => {
    await expect(systemClock.sleep(1)).resolves.toBeUndefined()
    const controller = new AbortController()
    const sleeping = systemClock.sleep(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
    await expect(systemClock.sleep(1, AbortSignal.abort(new Error('early')))).rejects.toThrow(
      'early'
    )
  })
})

describe('ManualClock', () => {
  it('resolves sleeps in time order as time advances', async () => {
    const clock = new ManualClock(100)
    const woke: Array<[string, number]> = []
    void clock.sleep(30).then(() => woke.push(['b', clock.now()]))
    void clock.sleep(10).then(() => woke.push(['a', clock.now()]))
    await clock.advance(20)
    expect(woke).toEqual([['a', 110]])
    expect(clock.now()).toBe(120)
    await clock.runUntilIdle()
    expect(woke).toEqual([
      ['a', 110],
      ['b', 130]
    ])
    expect(clock.pendingTimers).toBe(0)
  })
})
