import { UserError } from '../../src/errors.js'
import { createOidcAssertionProvider } from '../../src/auth/oidc-assertion.js'
import { githubIdToken } from './fixtures.js'

const AUDIENCE = 'api://AzureADTokenExchange'

/** A fake GitHub token service: issues a fresh, distinct ID token per request. */
function fakeGitHub(now: () => number, lifetimeSeconds = 300) {
  const requests: string[] = []
  const getIDToken = async (audience: string): Promise<string> => {
    requests.push(audience)
    const iat = Math.floor(now() / 1000)
    return githubIdToken({
      iat,
      nbf: iat,
      exp: iat + lifetimeSeconds,
      jti: `token-${requests.length}`
    })
  }
  return { requests, getIDToken }
}

function fakeClock(start = Date.parse('2026-10-05T10:00:00Z')) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('createOidcAssertionProvider', () => {
  it('fetches one ID token for the two callbacks of a getToken() and masks it', async () => {
    const clock = fakeClock()
    const github = fakeGitHub(clock.now)
    const masked: string[] = []
    const provider = createOidcAssertionProvider(github.getIDToken, AUDIENCE, {
      clock: clock.now,
      mask: v => masked.push(v)
    })

    // ClientAssertionCredential asks twice per token request, even on a cache hit.
    const first = await provider.getAssertion()
    const second = await provider.getAssertion()

    expect(github.requests).toEqual([AUDIENCE])
    expect(second).toBe(first)
    expect(masked).toEqual([first])
  })

  it('keeps the token until it is within refreshBeforeMs of exp, then fetches and masks a new one', async () => {
    const clock = fakeClock()
    const github = fakeGitHub(clock.now, 300)
    const masked: string[] = []
    const provider = createOidcAssertionProvider(github.getIDToken, AUDIENCE, {
      clock: clock.now,
      refreshBeforeMs: 60_000,
      mask: v => masked.push(v)
    })

    const first = await provider.getAssertion()
    clock.advance(239_000)
    expect(await provider.getAssertion()).toBe(first)
    expect(github.requests).toHaveLength(1)

    clock.advance(2_000) // 241 s: less than 60 s left
    const second = await provider.getAssertion()
    expect(second).not.toBe(first)
    expect(github.requests).toHaveLength(2)
    expect(masked).toEqual([first, second])
  })

  it('keeps refreshing over a long export: one fetch per token lifetime, not per call', async () => {
    const clock = fakeClock()
    const github = fakeGitHub(clock.now, 300)
    const provider = createOidcAssertionProvider(github.getIDToken, AUDIENCE, { clock: clock.now })

    // Three hours of token requests every 30 s, two callbacks each.
    for (let i = 0; i < 360; i++) {
      await provider.getAssertion()
      await provider.getAssertion()
      clock.advance(30_000)
    }
    // A 5-minute token is reused for 4 minutes: 3 h / 4 min = 45 fetches.
    expect(github.requests).toHaveLength(45)
  })

  it('shares one in-flight request among concurrent callers', async () => {
    let release!: (token: string) => void
    let calls = 0
    const getIDToken = (): Promise<string> => {
      calls++
      return new Promise(resolve => (release = resolve))
    }
    const provider = createOidcAssertionProvider(getIDToken, AUDIENCE)

    const pending = Array.from({ length: 5 }, () => provider.getAssertion())
    const token = githubIdToken({
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300
    })
    release(token)

    expect(await Promise.all(pending)).toEqual(Array(5).fill(token))
    expect(calls).toBe(1)
  })

  it('refreshes an undecodable token after 4 minutes', async () => {
    const clock = fakeClock()
    let n = 0
    const provider = createOidcAssertionProvider(async () => `opaque-token-${++n}`, AUDIENCE, {
      clock: clock.now
    })

    expect(await provider.getAssertion()).toBe('opaque-token-1')
    clock.advance(4 * 60_000 - 1)
    expect(await provider.getAssertion()).toBe('opaque-token-1')
    clock.advance(1)
    expect(await provider.getAssertion()).toBe('opaque-token-2')
  })

  it('measures the lifetime on its own clock, so a skewed runner clock neither thrashes nor overstays', async () => {
    // The runner clock is an hour ahead of GitHub's: exp looks long past.
    const clock = fakeClock()
    const github = fakeGitHub(() => clock.now() - 3_600_000, 300)
    const provider = createOidcAssertionProvider(github.getIDToken, AUDIENCE, { clock: clock.now })

    await provider.getAssertion()
    clock.advance(200_000)
    await provider.getAssertion()
    expect(github.requests).toHaveLength(1)
    clock.advance(41_000)
    await provider.getAssertion()
    expect(github.requests).toHaveLength(2)
  })

  it('uses a token shorter-lived than the refresh margin for half its life instead of fetching per call', async () => {
    const clock = fakeClock()
    const github = fakeGitHub(clock.now, 40)
    const provider = createOidcAssertionProvider(github.getIDToken, AUDIENCE, { clock: clock.now })

    await provider.getAssertion()
    await provider.getAssertion()
    clock.advance(19_000)
    await provider.getAssertion()
    expect(github.requests).toHaveLength(1)
    clock.advance(1_000)
    await provider.getAssertion()
    expect(github.requests).toHaveLength(2)
  })

  it('does not cache a failure', async () => {
    let n = 0
    const provider = createOidcAssertionProvider(async () => {
      if (++n === 1) throw new Error('Failed to get ID Token. Error Code : 500')
      return githubIdToken({ iat: 1, exp: 301 })
    }, AUDIENCE)

    await expect(provider.getAssertion()).rejects.toThrow(/oidc-audience/)
    await expect(provider.getAssertion()).resolves.toContain('.')
    expect(n).toBe(2)
  })

  it('exposes the claims that decide which federated credential matches', async () => {
    const provider = createOidcAssertionProvider(
      async () =>
        githubIdToken({ sub: 'repo:octo-org/octo-repo:environment:prod', iat: 1, exp: 301 }),
      AUDIENCE
    )
    expect(provider.claims).toBeUndefined()
    await provider.getAssertion()
    expect(provider.claims).toEqual({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/octo-repo:environment:prod',
      aud: 'api://AzureADTokenExchange'
    })
  })

  it.each([
    'Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable',
    'Error message: Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable'
  ])('translates a missing id-token permission (%s)', async text => {
    const original = new Error(text)
    const provider = createOidcAssertionProvider(async () => {
      throw original
    }, AUDIENCE)

    const error = await provider.getAssertion().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/permissions:\s*\n\s*id-token: write/)
    expect((error as Error).message).not.toContain('ACTIONS_ID_TOKEN_REQUEST')
    expect((error as Error).cause).toBe(original)
  })

  it('names the audience and the input when GitHub refuses for another reason', async () => {
    const provider = createOidcAssertionProvider(async () => {
      throw new Error('Failed to get ID Token. \n Error Code : 403\n Error Message: Forbidden')
    }, 'api://custom')
    await expect(provider.getAssertion()).rejects.toThrow(/'api:\/\/custom'.*oidc-audience.*403/s)
  })
})
