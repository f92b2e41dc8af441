/** Issue 14, item 1: every token request ends, is retried when it may pass, and names the host. */
import type { AccessToken, GetTokenOptions } from '@azure/identity'
import { BoundedCredential } from '../../src/auth/bounded-credential.js'
import { UserError } from '../../src/errors.js'

const budget = { timeoutMs: 50, attempts: 3, pauseMs: 1 }
const token: AccessToken = { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }

function credential(behave: (attempt: number, options?: GetTokenOptions) => Promise<AccessToken>) {
  let calls = 0
  const inner = {
    getToken: (_scopes: string | string[], options?: GetTokenOptions) => behave(++calls, options)
  }
  return {
    bounded: new BoundedCredential(inner, 'https://login.example.test', budget),
    calls: () => calls
  }
}

it('a token request that never answers is cut, retried, then fails naming the authority', async () => {
  let aborted = 0
  const { bounded, calls } = credential(
    (_n, options) =>
      new Promise(() => {
        options?.abortSignal?.addEventListener('abort', () => aborted++)
      })
  )
  const started = Date.now()
  const error = await bounded.getToken('scope').catch(e => e)
  expect(error).toBeInstanceOf(UserError)
  expect((error as Error).message).toMatch(
    /^Could not get a token from https:\/\/login\.example\.test: 3 attempts failed \(last: the token request to https:\/\/login\.example\.test did not answer within 0\.05 s\)/
  )
  expect(calls()).toBe(3)
  // Each cut attempt aborts its HTTP request, so no socket is left open.
  expect(aborted).toBe(3)
  expect(Date.now() - started).toBeLessThan(2_000)
})

it('a connection reset is retried and can pass', async () => {
  const { bounded, calls } = credential(n =>
    n < 3
      ? Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      : Promise.resolve(token)
  )
  await expect(bounded.getToken('scope')).resolves.toBe(token)
  expect(calls()).toBe(3)
})

it('an answer from Entra (AADSTS) is not retried', async () => {
  const { bounded, calls } = credential(() =>
    Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.'))
  )
  await expect(bounded.getToken('scope')).rejects.toThrow(/AADSTS7000215/)
  expect(calls()).toBe(1)
})
