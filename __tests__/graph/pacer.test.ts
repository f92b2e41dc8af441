import { Pacer, type PacerOptions, type Release } from '../../src/graph/pacer.js'
import { ManualClock } from '../support/manual-clock.js'

interface Start {
  /** Order of the acquire() call, which FIFO must preserve. */
  seq: number
  requested: number
  started: number
  released: number
}

/** Small deterministic PRNG so the hold pattern is varied but reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `workers` loops share `total` acquisitions, each holding its slot for hold(i) virtual ms. */
async function runWorkers(
  options: PacerOptions & { clock: ManualClock },
  workers: number,
  total: number,
  hold: (i: number) => number
): Promise<{ starts: Start[]; maxSeen: number; pacer: Pacer }> {
  const { clock } = options
  const pacer = new Pacer(options)
  const starts: Start[] = []
  let next = 0
  let seq = 0
  let inFlight = 0
  let maxSeen = 0
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++
      const mine = seq++
      const requested = clock.now()
      const release = await pacer.acquire()
      const started = clock.now()
      inFlight++
      maxSeen = Math.max(maxSeen, inFlight)
      await clock.sleep(hold(i))
      inFlight--
      release()
      pacer.succeeded()
      starts.push({ seq: mine, requested, started, released: clock.now() })
    }
  }
  const done = Promise.all(Array.from({ length: workers }, worker))
  await clock.runUntilIdle()
  await done
  starts.sort((a, b) => a.seq - b.seq)
  return { starts, maxSeen, pacer }
}

/** Starts in [t, t + windowMs) for the busiest window (windows beginning at a start suffice). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0
  for (const t of times) most = Math.max(most, times.filter(s => s >= t && s < t + windowMs).length)
  return most
}

/** Acquires with virtual time running until the start; returns the start time and release. */
async function startAt(pacer: Pacer, clock: ManualClock): Promise<[number, Release]> {
  let started = NaN
  const p = pacer.acquire().then(release => {
    started = clock.now()
    return release
  })
  await clock.runUntilIdle()
  return [started, await p]
}

describe('Pacer', () => {
  it('paces 200 acquisitions from 20 workers within limits, each as early as allowed', async () => {
    const clock = new ManualClock(1_000_000)
    const rate = 5
    const windowMs = 10_000
    const marginMs = 250
    const maxConcurrency = 4
    const random = mulberry32(42)
    const holds = Array.from({ length: 200 }, () => Math.floor(random() * 15_000))
    const { starts, maxSeen, pacer } = await runWorkers(
      { rate, windowMs, marginMs, maxConcurrency, clock },
      20,
      200,
      i => holds[i]
    )

    expect(starts).toHaveLength(200)
    const times = starts.map(s => s.started)
    // No window of windowMs + marginMs holds more than rate starts, and some hold exactly rate.
    expect(busiestWindow(times, windowMs + marginMs)).toBe(rate)
    for (let i = 1; i < starts.length; i++) {
      // FIFO: start order is acquire() order.
      expect(times[i]).toBeGreaterThanOrEqual(times[i - 1])
    }
    expect(maxSeen).toBe(maxConcurrency) // reached, never exceeded
    expect(pacer.stats()).toMatchObject({ requests: 200, maxInFlight: maxConcurrency })

    // Reference model: each start is the first instant, at or after its request and the
    // previous start, at which fewer than maxConcurrency are in flight and the last
    // windowMs + marginMs hold fewer than rate starts. Nothing else holds a start back:
    // no spacing between starts.
    for (let i = 1; i < starts.length; i++) {
      const floor = Math.max(starts[i].requested, times[i - 1])
      const before = starts.slice(0, i)
      const inFlightAt = (t: number): number =>
        before.filter(s => s.started <= t && s.released > t).length
      const inWindowAt = (t: number): number =>
        before.filter(s => s.started > t - windowMs - marginMs).length
      const candidates = [
        floor,
        ...before.map(s => s.released),
        ...before.map(s => s.started + windowMs + marginMs)
      ]
        .filter(t => t >= floor)
        .sort((a, b) => a - b)
      const expected = candidates.find(t => inFlightAt(t) < maxConcurrency && inWindowAt(t) < rate)
      expect({ i, started: times[i] }).toEqual({ i, started: expected })
    }
  })

  it('runs at the ceiling: 50 short requests at 5 per 10 s take 9 windows and margins', async () => {
    const clock = new ManualClock()
    const { starts } = await runWorkers(
      { rate: 5, windowMs: 10_000, marginMs: 250, maxConcurrency: 5, clock },
      10,
      50,
      i => 300 + (i % 7) * 200
    )
    // A window's starts go together as soon as they are asked for; the next window's go
    // once the first start of this one is windowMs + marginMs old.
    expect(starts.map(s => s.started)).toEqual(starts.map((_, i) => Math.floor(i / 5) * 10_250))
  })

  it('lets a start take a slot nobody used, while it is still in the window', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 5, windowMs: 10_000, marginMs: 250, maxConcurrency: 10, clock })
    const [first, release] = await startAt(pacer, clock)
    release()
    await clock.advance(8_000) // nobody asks for 8 s: four slots of this window unused so far
    const startedAt: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, () =>
        pacer.acquire().then(r => {
          startedAt.push(clock.now())
          r()
        })
      ).concat([clock.runUntilIdle()])
    )
    expect(first).toBe(0)
    // Four at once at 8 s (five in the window with the first), the sixth once the first
    // start is a window and the margin old.
    expect(startedAt).toEqual([8_000, 8_000, 8_000, 8_000, 10_250, 18_250])
  })

  it('tells when the k-th next start is allowed: free slots now, then as the window frees them', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 3, windowMs: 10_000, marginMs: 250, maxConcurrency: 10, clock })
    expect([1, 2, 3, 4].map(k => pacer.msUntilStart(k))).toEqual([0, 0, 0, 10_250])
    for (const at of [0, 1_000]) {
      await clock.advance(at - clock.now())
      const [, release] = await startAt(pacer, clock)
      release()
    }
    await clock.advance(2_000) // now 3 000: starts at 0 and 1 000 hold two of the three slots
    expect([1, 2, 3, 4, 5, 6, 7].map(k => pacer.msUntilStart(k))).toEqual([
      0, 7_250, 8_250, 10_250, 17_500, 18_500, 20_500
    ])
    // A 429 holds every slot that would free before the hold ends, and lowers the rate to 2.
    pacer.throttled(8_000)
    expect([1, 2, 3].map(k => pacer.msUntilStart(k))).toEqual([8_000, 8_250, 17_500])
  })

  it('counts a start from when the request left, never earlier than its grant', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 2, windowMs: 10_000, marginMs: 250, maxConcurrency: 10, clock })
    const [, first] = await startAt(pacer, clock)
    const [, second] = await startAt(pacer, clock)
    // The first request left 400 ms after its grant (a token lookup, a handshake): Graph
    // counts it then, so the window frees its slot 400 ms later than the grant says.
    await clock.advance(400)
    expect([1, 2].map(k => pacer.msUntilStart(k))).toEqual([9_850, 9_850])
    first.sent()
    second.sent() // the second left at 400 too
    expect([1, 2].map(k => pacer.msUntilStart(k))).toEqual([10_250, 10_250])
    // Marking again, or after release, moves nothing; a later start is never moved earlier.
    first()
    await clock.advance(100)
    first.sent()
    expect(pacer.msUntilStart(1)).toBe(10_150)
    const started: number[] = []
    const third = pacer.acquire().then(r => {
      started.push(clock.now())
      return r
    })
    await clock.runUntilIdle()
    expect(started).toEqual([10_650])
    ;(await third)()
    second()
  })

  it('lets a released slot go to the next waiter at once when the window has room', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 100, windowMs: 1_000, maxConcurrency: 1, clock })
    const [, releaseA] = await startAt(pacer, clock)
    let bStarted = NaN
    const b = pacer.acquire().then(release => {
      bStarted = clock.now()
      return release
    })
    await clock.advance(5_000)
    expect(bStarted).toBeNaN() // slot still held
    expect(clock.pendingTimers).toBe(0) // waiting on a release, not on a timer
    releaseA()
    await clock.advance(0)
    expect(bStarted).toBe(5_000)
    ;(await b)()
  })

  it('frees one slot however often release() is called', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 100, windowMs: 1_000, maxConcurrency: 1, clock })
    const [, releaseA] = await startAt(pacer, clock)
    const order: string[] = []
    const b = pacer.acquire().then(r => (order.push('b'), r))
    const c = pacer.acquire().then(r => (order.push('c'), r))
    releaseA()
    releaseA()
    await clock.runUntilIdle()
    expect(order).toEqual(['b'])
    ;(await b)()
    await clock.runUntilIdle()
    expect(order).toEqual(['b', 'c'])
    ;(await c)()
    expect(pacer.stats().maxInFlight).toBe(1)
  })

  it('holds every start until Retry-After, including a waiter already scheduled', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 10, clock })
    for (let i = 0; i < 5; i++) {
      const [t, release] = await startAt(pacer, clock)
      expect(t).toBe(0)
      release()
    }
    const startedAt: number[] = []
    const waiters = [1, 2, 3, 4, 5].map(() =>
      pacer.acquire().then(release => {
        startedAt.push(clock.now())
        release()
      })
    )
    await clock.advance(1_000) // the waiters are due at 10 000, when the window has room
    pacer.throttled(15_000)
    await clock.runUntilIdle()
    await Promise.all(waiters)
    // Held until 16 000, then at the lowered rate of 4 per window: the fifth waits for
    // the first of these four to be a window old.
    expect(startedAt).toEqual([16_000, 16_000, 16_000, 16_000, 26_000])
    expect(pacer.stats()).toMatchObject({ throttled: 1, throttledWaitMs: 15_000, effectiveRate: 4 })
  })

  it('holds a full window when Retry-After is absent', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 10, clock })
    pacer.throttled(undefined)
    const [started, release] = await startAt(pacer, clock)
    release()
    expect(started).toBe(10_000)
  })

  it('lowers the rate once per burst of 429s, to at least 1, and creeps back', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 10, clock })
    // Three requests in flight together all come back 429: one signal, one step down.
    pacer.throttled(1_000)
    pacer.throttled(1_000)
    pacer.throttled(1_000)
    expect(pacer.stats().effectiveRate).toBe(4)
    for (let i = 0; i < 10; i++) {
      await clock.advance(10_000)
      pacer.throttled(0)
    }
    expect(pacer.stats().effectiveRate).toBe(1)

    // At rate 1 starts are a window apart.
    const [a, releaseA] = await startAt(pacer, clock)
    releaseA()
    const [b, releaseB] = await startAt(pacer, clock)
    releaseB()
    expect(b - a).toBe(10_000)

    // A 429 part-way through a run of successes resets it.
    for (let i = 0; i < 9; i++) pacer.succeeded()
    await clock.advance(10_000)
    pacer.throttled(0)
    for (let i = 0; i < 9; i++) pacer.succeeded()
    expect(pacer.stats().effectiveRate).toBe(1)
    // Two windows' worth (2 * rate) of successes in a row earn back one step each.
    for (let i = 0; i < 10 * 4; i++) pacer.succeeded()
    expect(pacer.stats().effectiveRate).toBe(5)
    for (let i = 0; i < 100; i++) pacer.succeeded()
    expect(pacer.stats().effectiveRate).toBe(5)
    await clock.advance(10_000)
    const times: number[] = []
    for (let i = 0; i < 6; i++) {
      const [t, release] = await startAt(pacer, clock)
      release()
      times.push(t)
    }
    // Five at once, the sixth a window after them.
    expect(times.map(t => t - times[0])).toEqual([0, 0, 0, 0, 0, 10_000])
  })

  it('drops an aborted waiter, rejecting with its reason; the rest keep order', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 1, windowMs: 10_000, maxConcurrency: 5, clock })
    const [, releaseA] = await startAt(pacer, clock)
    releaseA()
    const startedAt: Record<string, number> = {}
    const wait = (name: string, signal?: AbortSignal): Promise<void> =>
      pacer.acquire(signal).then(release => {
        startedAt[name] = clock.now()
        release()
      })
    const controller = new AbortController()
    const b = wait('b')
    const c = wait('c', controller.signal)
    const d = wait('d')
    await clock.advance(1_000)
    controller.abort(new Error('export cancelled'))
    await expect(c).rejects.toThrow('export cancelled')
    await clock.runUntilIdle()
    await Promise.all([b, d])
    expect(startedAt).toEqual({ b: 10_000, d: 20_000 })
    expect(pacer.stats().requests).toBe(3)
  })

  it('rejects an already-aborted signal without taking a slot', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 1, clock })
    await expect(pacer.acquire(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone')
    expect(pacer.stats().requests).toBe(0)
    const [started, release] = await startAt(pacer, clock)
    release()
    expect(started).toBe(0)
  })

  it('leaves no timer pending once nobody waits', async () => {
    const clock = new ManualClock()
    const pacer = new Pacer({ rate: 1, windowMs: 10_000, maxConcurrency: 5, clock })
    const [, release] = await startAt(pacer, clock)
    release()
    const controller = new AbortController()
    const waiting = pacer.acquire(controller.signal)
    await clock.advance(0)
    expect(clock.pendingTimers).toBe(1)
    controller.abort()
    await expect(waiting).rejects.toBeDefined()
    expect(clock.pendingTimers).toBe(0)
  })

  it('works on real timers with the system clock (order and counts only)', async () => {
    const pacer = new Pacer({ rate: 4, windowMs: 40, maxConcurrency: 2 })
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pacer.acquire().then(release => {
          order.push(i)
          setTimeout(release, 5)
        })
      )
    )
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
    expect(pacer.stats()).toMatchObject({ requests: 6, throttled: 0 })
    expect(pacer.stats().maxInFlight).toBeLessThanOrEqual(2)
  })

  it('rejects nonsensical options with the name and value', () => {
    expect(() => new Pacer({ rate: 0, windowMs: 10_000, maxConcurrency: 1 })).toThrow(
      'rate must be a positive integer, got 0'
    )
    expect(() => new Pacer({ rate: 5, windowMs: -1, maxConcurrency: 1 })).toThrow('windowMs')
    expect(() => new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 1.5 })).toThrow(
      'maxConcurrency'
    )
    expect(() => new Pacer({ rate: 5, windowMs: 10_000, maxConcurrency: 1, marginMs: -1 })).toThrow(
      'marginMs must be a number >= 0, got -1'
    )
  })
})
