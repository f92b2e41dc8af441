/** The per-attempt timeouts on a virtual clock: they fire when due, move with progress, leave no timer. */
import { RequestWatchdog, Watchdog } from '../../src/graph/watchdog.js'
import { DEFAULT_RETRY_POLICY } from '../../src/graph/retry-policy.js'
import { ManualClock } from '../support/manual-clock.js'

describe('Watchdog', () => {
  it('fires at its deadline with a TimeoutError naming why', async () => {
    const clock = new ManualClock()
    const dog = new Watchdog(clock, 1000, 'too slow')
    await clock.advance(999)
    expect(dog.fired).toBe(false)
    await clock.advance(1)
    expect(dog.fired).toBe(true)
    expect(dog.reason).toBe('too slow')
    expect((dog.signal.reason as DOMException).name).toBe('TimeoutError')
    expect(clock.pendingTimers).toBe(0)
  })

  it('re-arming moves the deadline later or earlier', async () => {
    const clock = new ManualClock()
    const dog = new Watchdog(clock, 1000, 'first')
    await clock.advance(800)
    dog.arm(1000, 'later') // due at 1800
    await clock.advance(900)
    expect(dog.fired).toBe(false)
    dog.arm(50, 'earlier') // due at 1750, before the pending wait
    await clock.advance(50)
    expect(dog.fired).toBe(true)
    expect(dog.reason).toBe('earlier')
  })

  it('stop() leaves no timer and never fires', async () => {
    const clock = new ManualClock()
    const dog = new Watchdog(clock, 1000, 'x')
    dog.arm(5000, 'y')
    dog.stop()
    expect(clock.pendingTimers).toBe(0)
    await clock.advance(10_000)
    expect(dog.fired).toBe(false)
  })
})

describe('RequestWatchdog', () => {
  const policy = {
    ...DEFAULT_RETRY_POLICY,
    headersTimeoutMs: 100,
    bodyStallTimeoutMs: 50,
    requestTimeoutMs: 1000
  }

  it('headers late: fires after headersTimeoutMs', async () => {
    const clock = new ManualClock()
    const dog = new RequestWatchdog(clock, policy, 60_000)
    await clock.advance(100)
    expect(dog.fired).toBe(true)
    expect(dog.reason).toBe('no response within 0.1 s')
    dog.stop()
  })

  it('a body that keeps coming is not cut until the whole request runs over; a stalled one is', async () => {
    const clock = new ManualClock()
    const dog = new RequestWatchdog(clock, policy, 60_000)
    dog.headersArrived()
    for (let t = 0; t < 950; t += 40) {
      await clock.advance(40)
      dog.progress()
    }
    expect(dog.fired).toBe(false)
    await clock.advance(60)
    expect(dog.fired).toBe(true)
    expect(dog.reason).toBe('request took longer than 1 s')
    dog.stop()

    const stalled = new RequestWatchdog(clock, policy, 60_000)
    stalled.headersArrived()
    await clock.advance(49)
    expect(stalled.fired).toBe(false)
    await clock.advance(1)
    expect(stalled.reason).toBe('the response body stalled for 0.05 s')
    stalled.stop()
    expect(clock.pendingTimers).toBe(0)
  })

  it("the page's remaining budget caps the request", async () => {
    const clock = new ManualClock()
    const dog = new RequestWatchdog(clock, { ...policy, headersTimeoutMs: 10_000 }, 300)
    await clock.advance(300)
    expect(dog.reason).toMatch(/^request took longer than/)
    dog.stop()
  })
})
