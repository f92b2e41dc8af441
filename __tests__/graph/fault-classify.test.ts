/**
 * What each failure means, judged alone: which are retried (and as which fault
 * kind), which stop the page, and what the error then says.
 */
import { classifyFailedResponse, classifyThrown } from '../../src/graph/fault-classify.js'
import { GraphRequestError } from '../../src/graph/graph-errors.js'
import type { PageResponse } from '../../src/graph/graph-transport.js'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'

const NOW = Date.parse('2026-10-06T12:00:00Z')
const ctx = { spec: LOG_TYPE_SPECS['audit-logs'], cloud: 'public' as const, now: () => NOW }

function reply(status: number, body = '', headers: Record<string, string> = {}) {
  let read = false
  const response: PageResponse & { read: () => boolean } = {
    status,
    headers: new Headers(headers),
    body: null,
    text: () => {
      read = true
      return Promise.resolve(body)
    },
    read: () => read
  }
  return response
}

const error = (code: string, message = code): string => JSON.stringify({ error: { code, message } })

describe('classifyFailedResponse', () => {
  it.each([
    [429, error('TooManyRequests'), { 'retry-after': '2.5' }, 'throttled', 2500],
    [429, error('TooManyRequests'), {}, 'throttled', undefined],
    [503, error('ServiceUnavailable'), { 'retry-after': '4' }, 'server-error', 4000],
    [500, '', {}, 'server-error', undefined],
    [502, '<html>bad gateway</html>', {}, 'server-error', undefined],
    [504, error('GatewayTimeout'), {}, 'server-error', undefined],
    [401, error('InvalidAuthenticationToken'), {}, 'unauthorized', undefined]
  ])(
    'HTTP %i is retried as a transient fault',
    async (status, body, headers, kind, retryAfterMs) => {
      const failure = await classifyFailedResponse(ctx, reply(status, body, headers))
      expect(failure).toMatchObject({ ok: false, retry: true, kind, status })
      expect(failure.retryAfterMs).toBe(retryAfterMs)
    }
  )

  it('Retry-After as an HTTP date is measured from the clock', async () => {
    const at = new Date(NOW + 30_000).toUTCString()
    const failure = await classifyFailedResponse(ctx, reply(429, '', { 'retry-after': at }))
    expect(failure.retryAfterMs).toBe(30_000)
  })

  it('the licence 403 is retryable (transient on licensed tenants); the loop bounds it', async () => {
    const failure = await classifyFailedResponse(
      ctx,
      reply(
        403,
        error('Authentication_RequestFromNonPremiumTenantOrB2CTenant', 'Neither tenant is B2C')
      )
    )
    expect(failure).toMatchObject({ retry: true, kind: 'licence-403', status: 403 })
    expect(failure.error).toBeInstanceOf(GraphRequestError)
    expect((failure.error as GraphRequestError).kind).toBe('fatal')
  })

  it('a missing permission is fatal at once and names the permission', async () => {
    const failure = await classifyFailedResponse(
      ctx,
      reply(
        403,
        error(
          'Authentication_MSGraphPermissionMissing',
          'Calling principal does not have required MSGraph permissions AuditLog.Read.All'
        )
      )
    )
    expect(failure.retry).toBe(false)
    expect((failure.error as GraphRequestError).kind).toBe('fatal')
    expect(failure.error.message).toMatch(/AuditLog\.Read\.All/)
  })

  it('a broken skip token breaks the chain (restart with a fresh query), whatever its status', async () => {
    for (const status of [400, 500]) {
      const failure = await classifyFailedResponse(
        ctx,
        reply(status, error('BadRequest', 'Invalid Skip Token'))
      )
      expect(failure.retry).toBe(false)
      expect((failure.error as GraphRequestError).kind).toBe('chain-broken')
    }
  })

  it('the retention edge says where the data starts', async () => {
    const failure = await classifyFailedResponse(
      ctx,
      reply(
        400,
        error(
          'UnknownError',
          "Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for activityDateTime is 9/6/2026 12:00:00 AM')"
        )
      )
    )
    expect(failure.retry).toBe(false)
    const graphError = failure.error as GraphRequestError
    expect(graphError.kind).toBe('retention-edge')
    expect(graphError.retentionEdgeMs).toBe(Date.parse('2026-09-06T00:00:00Z'))
  })

  it('a redirect is fatal, never followed, and names its location', async () => {
    const response = reply(302, 'moved', { location: 'https://evil.example/next' })
    const failure = await classifyFailedResponse(ctx, response)
    expect(failure.retry).toBe(false)
    expect((failure.error as GraphRequestError).kind).toBe('fatal')
    expect(failure.error.message).toMatch(/redirect to https:\/\/evil\.example\//)
    // Its body is drained so the connection frees.
    expect(response.read()).toBe(true)
  })

  it('any other 4xx is fatal', async () => {
    const failure = await classifyFailedResponse(
      ctx,
      reply(400, error('BadRequest', 'Invalid filter clause'))
    )
    expect(failure.retry).toBe(false)
    expect((failure.error as GraphRequestError).status).toBe(400)
  })
})

describe('classifyThrown', () => {
  it('a timeout, a credential hiccup and a reset are retried, each as its own kind', () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' })
    expect(classifyThrown(timeout)).toMatchObject({ retry: true, kind: 'timeout' })
    const credential = Object.assign(new Error('no token'), { name: 'CredentialUnavailableError' })
    expect(classifyThrown(credential)).toMatchObject({ retry: true, kind: 'auth' })
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    })
    const failure = classifyThrown(reset)
    expect(failure).toMatchObject({ retry: true, kind: 'network' })
    expect(failure.error.message).toBe('fetch failed (ECONNRESET)')
  })

  it('an error already judged (a refused link) is not retried', () => {
    const refused = new GraphRequestError(
      'Refusing to follow a link outside x',
      'fatal',
      undefined,
      undefined
    )
    expect(classifyThrown(refused)).toEqual({ ok: false, retry: false, error: refused })
  })

  it('a thrown non-Error still becomes a network fault with its text', () => {
    expect(classifyThrown('boom')).toMatchObject({ retry: true, kind: 'network' })
  })
})
