/** The simulated tenant behaves like Entra + Graph where the exporter depends on it. */
import { createHash, generateKeyPairSync, randomUUID, sign, X509Certificate } from 'node:crypto'
import { expectedIds, type FakeTenant, recordTime, startFakeTenant } from './index.js'

const NOW = '2026-10-06T00:00:00Z'
let tenant: FakeTenant

beforeAll(async () => {
  tenant = await startFakeTenant({
    seed: 3,
    now: NOW,
    graph: { throttle: { limit: 10_000, windowMs: 10_000 } }
  })
})
afterAll(async () => tenant.stop())

const b64u = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

async function requestToken(fields: Record<string, string>, tenantName = tenant.tenantId) {
  const res = await fetch(`${tenant.authorityHost}/${tenantName}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: tenant.clientId,
      scope: `${tenant.graphEndpoint}/.default`,
      ...fields
    })
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function accessToken(): Promise<string> {
  const { body } = await requestToken({ client_secret: tenant.clientSecret })
  return String(body.access_token)
}

interface GraphBody {
  value: Record<string, unknown>[]
  '@odata.nextLink'?: string
  error: { code: string; message: string }
}

async function graphGet(pathOrUrl: string, token?: string) {
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${tenant.graphEndpoint}${pathOrUrl}`
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphBody }
}

const q = (filter: string, top?: number): string =>
  `?$filter=${encodeURIComponent(filter)}${top ? `&$top=${top}` : ''}`

/** Follows nextLinks to the end; returns every record served, in order. */
async function readAll(path: string, token: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  let next: string | undefined = path
  while (next) {
    const page = await graphGet(next, token)
    expect(page.status).toBe(200)
    out.push(...page.body.value)
    next = page.body['@odata.nextLink']
  }
  return out
}

/** A certificate client assertion, built by hand the way MSAL does. */
function certificateAssertion(key: string, x5t: string, aud: string): string {
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64u({ alg: 'RS256', typ: 'JWT', x5t })}.${b64u({ aud, iss: tenant.clientId, sub: tenant.clientId, jti: randomUUID(), nbf: now, exp: now + 600 })}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

describe('token endpoint', () => {
  test('issues a token for the right secret, also via the domain alias', async () => {
    const ok = await requestToken({ client_secret: tenant.clientSecret })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 })
    const alias = await requestToken({ client_secret: tenant.clientSecret }, tenant.domain)
    expect(alias.status).toBe(200)
  })

  test('refuses a wrong secret, an unknown tenant and a wrong scope with AADSTS codes', async () => {
    const wrong = await requestToken({ client_secret: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.error).toBe('invalid_client')
    expect(String(wrong.body.error_description)).toMatch(
      /^AADSTS7000215: Invalid client secret provided/
    )
    const unknown = await requestToken({ client_secret: tenant.clientSecret }, 'fabrikam.example')
    expect(String(unknown.body.error_description)).toMatch(
      /^AADSTS90002: Tenant 'fabrikam.example' not found/
    )
    const scope = await requestToken({
      client_secret: tenant.clientSecret,
      scope: 'https://graph.microsoft.com/.default'
    })
    expect(scope.body.error).toBe('invalid_scope')
  })

  test('accepts a certificate assertion signed with the registered key, not another key', async () => {
    const x5t = createHash('sha1')
      .update(new X509Certificate(tenant.certificatePem).raw)
      .digest('base64url')
    const aud = `${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`
    const type = { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
    const good = certificateAssertion(tenant.pki.clientKeyPem, x5t, aud)
    expect((await requestToken({ ...type, client_assertion: good })).status).toBe(200)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem'
    })
    const bad = await requestToken({
      ...type,
      client_assertion: certificateAssertion(String(other), x5t, aud)
    })
    expect(bad.status).toBe(401)
    expect(String(bad.body.error_description)).toMatch(/^AADSTS700027/)
    expect(tenant.login.tokens.issuedByMode.certificate).toBe(1)
  })

  test('exchanges a GitHub OIDC token as a federated assertion; unknown subject is AADSTS70021', async () => {
    const res = await fetch(`${tenant.oidc.requestUrl}&audience=api://AzureADTokenExchange`, {
      headers: { Authorization: `Bearer ${tenant.oidc.requestToken}` }
    })
    const { value } = (await res.json()) as { value: string }
    const type = { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
    expect((await requestToken({ ...type, client_assertion: value })).status).toBe(200)
    const stranger = tenant.oidc.mint('api://AzureADTokenExchange', {
      sub: 'repo:evil/fork:pull_request'
    })
    const refused = await requestToken({ ...type, client_assertion: stranger })
    expect(refused.status).toBe(400)
    expect(String(refused.body.error_description)).toMatch(
      /^AADSTS70021: .*Assertion Subject: 'repo:evil\/fork:pull_request'/
    )
    const expired = tenant.oidc.mint('api://AzureADTokenExchange', {
      exp: Math.floor(Date.now() / 1000) - 10
    })
    expect(
      String((await requestToken({ ...type, client_assertion: expired })).body.error_description)
    ).toMatch(/^AADSTS700024/)
  })
})

describe('graph', () => {
  const signIns = '/beta/auditLogs/signIns'

  test('401 without a token and with an expired one', async () => {
    const none = await graphGet(signIns)
    expect(none.status).toBe(401)
    const stale = tenant.login.tokens.issue(tenant.tenantId, tenant.clientId, 'secret', 0)
    const expired = await graphGet(signIns, stale.token)
    expect(expired.status).toBe(401)
    expect(expired.body.error.code).toBe('InvalidAuthenticationToken')
  })

  test('rejects quoted dates, unknown operators and bad $top with 400', async () => {
    const token = await accessToken()
    for (const f of [
      "createdDateTime ge '2026-10-05T00:00:00Z'",
      'createdDateTime ge 2026-10-05T00:00:00Z or true',
      "contains(userDisplayName, 'x')",
      // Not documented for the time field of sign-ins (eq, ge, le only).
      'createdDateTime lt 2026-10-05T00:00:00Z',
      'createdDateTime gt 2026-10-05T00:00:00Z'
    ]) {
      const res = await graphGet(signIns + q(f), token)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'BadRequest', message: 'Invalid filter clause' })
    }
    expect((await graphGet(`${signIns}?$top=1001`, token)).status).toBe(400)
    // $orderby is documented for directoryAudits and provisioning, not for signIns.
    expect((await graphGet(`${signIns}?$orderby=createdDateTime%20desc`, token)).status).toBe(400)
    expect(
      (await graphGet('/v1.0/auditLogs/directoryAudits?$orderby=activityDateTime%20desc', token))
        .status
    ).toBe(200)
    const v1 = await graphGet(
      '/v1.0/auditLogs/signIns' + q("signInEventTypes/any(t: t eq 'servicePrincipal')"),
      token
    )
    expect(v1.status).toBe(400)
  })

  test('time window edges: ge includes the start second, le one tick before the next excludes it', async () => {
    const token = await accessToken()
    // The busiest whole second of audit logs (the dataset has same-second bursts).
    const counts = new Map<string, number>()
    for (const r of await readAll('/v1.0/auditLogs/directoryAudits', token)) {
      counts.set(String(r.activityDateTime), (counts.get(String(r.activityDateTime)) ?? 0) + 1)
    }
    const [second, n] = [...counts].sort((a, b) => b[1] - a[1])[0]
    expect(n).toBeGreaterThan(2)
    const lastTick = second.replace('Z', '.9999999Z')
    const path = '/v1.0/auditLogs/directoryAudits'
    const inside = await readAll(
      path + q(`activityDateTime ge ${second} and activityDateTime le ${lastTick}`),
      token
    )
    expect(inside.filter(r => r.activityDateTime === second)).toHaveLength(n)
    expect(inside.every(r => recordTime('audit-logs', r) < Date.parse(second) + 1000)).toBe(true)
    const tickBefore = new Date(Date.parse(second) - 1000)
      .toISOString()
      .replace('.000Z', '.9999999Z')
    const before = await readAll(path + q(`(activityDateTime le ${tickBefore})`), token)
    expect(before.every(r => recordTime('audit-logs', r) < Date.parse(second))).toBe(true)
    // Provisioning documents gt and lt: gt the second excludes it.
    const prov = '/v1.0/auditLogs/provisioning'
    const after = await readAll(prov + q(`activityDateTime gt ${second}`), token)
    expect(after.every(r => String(r.activityDateTime) > second)).toBe(true)
  })

  test('pages return every record exactly once, newest first, honouring $top and event type', async () => {
    const token = await accessToken()
    const window = { start: '2026-10-04T06:00:00Z', end: '2026-10-05T18:00:00Z' }
    const f = `signInEventTypes/any(t: t eq 'servicePrincipal') and createdDateTime ge ${window.start} and createdDateTime le 2026-10-05T17:59:59.9999999Z`
    const first = await graphGet(signIns + q(f, 40), token)
    expect(first.body.value).toHaveLength(40)
    expect(first.body['@odata.nextLink']).toMatch(new RegExp(`^${tenant.graphEndpoint}/beta/`))
    const records = await readAll(signIns + q(f, 40), token)
    const ids = records.map(r => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.sort()).toEqual(
      expectedIds(tenant.dataset, 'service-principal-sign-ins', window).sort()
    )
    const times = records.map(r => recordTime('service-principal-sign-ins', r))
    expect(times.every((t, i) => i === 0 || t <= times[i - 1])).toBe(true)
    expect(records.every(r => (r.signInEventTypes as string[])[0] === 'servicePrincipal')).toBe(
      true
    )
    const plain = await graphGet(`${signIns}?$top=5`, token)
    expect(plain.body.value.every(r => r.isInteractive === true)).toBe(true)
    const ok = await readAll(
      signIns + q("signInEventTypes/any(t: t eq 'servicePrincipal') and status/errorCode eq 0"),
      token
    )
    expect(ok.every(r => (r.status as { errorCode: number }).errorCode === 0)).toBe(true)
  })

  test('short pages and duplicates still cover the window; a retried nextLink repeats its page', async () => {
    const token = await accessToken()
    tenant.graph.configure({ faults: { shortPages: 0.4, duplicateRate: 0.05 } })
    const records = await readAll('/v1.0/auditLogs/provisioning?$top=25', token)
    tenant.graph.configure({ faults: {} })
    const all = expectedIds(tenant.dataset, 'provisioning-logs', tenant.dataset.window)
    expect(new Set(records.map(r => r.id))).toEqual(new Set(all))
    expect(records.length).toBeGreaterThan(all.length)
    const first = await graphGet('/v1.0/auditLogs/provisioning?$top=10', token)
    const link = String(first.body['@odata.nextLink'])
    const [a, b] = [await graphGet(link, token), await graphGet(link, token)]
    expect(a.body.value.map(r => r.id)).toEqual(b.body.value.map(r => r.id))
  })

  test('throttles over the limit with 429 and Retry-After', async () => {
    const token = await accessToken()
    tenant.graph.configure({ throttle: { limit: 3, windowMs: 60_000 }, retryAfter: 'integer' })
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const res = await graphGet('/v1.0/auditLogs/directoryAudits?$top=1', token)
      statuses.push(res.status)
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after')
        expect(res.body.error.code).toBe('TooManyRequests')
      }
    }
    tenant.graph.configure({ throttle: false })
    expect(statuses.filter(s => s === 200).length).toBeLessThanOrEqual(3)
    expect(statuses.at(-1)).toBe(429)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
  })

  test('403 for missing licence or permission, 400 "Resource not found for the segment" for a missing endpoint', async () => {
    const token = await accessToken()
    tenant.graph.configure({
      forbidden: { 'audit-logs': 'licence', 'non-interactive-sign-ins': 'permission' },
      notFound: ['provisioning-logs']
    })
    const lic = await graphGet('/v1.0/auditLogs/directoryAudits', token)
    expect([lic.status, lic.body.error.code]).toEqual([
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant'
    ])
    const perm = await graphGet(
      signIns + q("signInEventTypes/any(t: t eq 'nonInteractiveUser')"),
      token
    )
    expect([perm.status, perm.body.error.code]).toEqual([
      403,
      'Authentication_MSGraphPermissionMissing'
    ])
    const missing = await graphGet('/v1.0/auditLogs/provisioning', token)
    expect([missing.status, missing.body.error.message]).toEqual([
      400,
      "Resource not found for the segment 'provisioning'."
    ])
    tenant.graph.configure({ forbidden: {}, notFound: [] })
    expect(tenant.graph.requests.some(r => r.status === 403 && r.logType === 'audit-logs')).toBe(
      true
    )
  })

  test("a lower bound past retention gets Graph's 400 UnknownError naming the minimum", async () => {
    const token = await accessToken()
    const res = await graphGet(
      '/v1.0/auditLogs/directoryAudits' + q('activityDateTime ge 2026-08-01T00:00:00Z'),
      token
    )
    // Retention edge: UTC midnight 30 days before the tenant's now (2026-10-06).
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([
      400,
      'UnknownError',
      "Specified argument was out of the range of valid values. (Parameter 'Minimum allowed time for activityDateTime is 9/6/2026 12:00:00 AM')"
    ])
  })
})
