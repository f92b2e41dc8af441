/**
 * Issue 3, sovereign clouds: a national cloud with its endpoints pointed at the
 * simulated tenant signs in and exports (the token endpoint accepts only the scope
 * `<graph root>/.default`), and a log type the cloud does not offer fails alone,
 * with a message saying so, while the others are exported and uploaded.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeTenant } from '../fake-tenant/index.js'
import {
  commands,
  csvIds,
  expectedFor,
  expectOneError,
  outputDir,
  run,
  sorted,
  startSmallTenant
} from './auth-support.js'

let tenant: FakeTenant | undefined

afterEach(async () => {
  await tenant?.stop()
  tenant = undefined
})

test('cloud: usgov with authority-host and graph-endpoint overridden exports', async () => {
  tenant = await startSmallTenant()
  const result = await run(tenant, { cloud: 'usgov', 'client-secret': tenant.clientSecret })
  expect({ code: result.code, errors: commands(result, 'error') }).toEqual({ code: 0, errors: [] })
  expect(tenant.login.tokens.issuedByMode.secret).toBeGreaterThanOrEqual(1)
  expect(sorted(csvIds(result, 'audit-logs.csv'))).toEqual(sorted(expectedFor(tenant, result)))
  expect(result.summary).toMatch(/\bcloud\W+usgov\b/i)
})

test('cloud: usgov-dod fails service-principal-activity (global only) and still exports audit-logs', async () => {
  tenant = await startSmallTenant()
  const result = await run(tenant, {
    cloud: 'usgov-dod',
    'client-secret': tenant.clientSecret,
    'log-types': 'service-principal-activity, audit-logs'
  })
  const message = expectOneError(result)
  expect(message).toContain('1 of 2 log types failed')
  expect(message).toMatch(/service-principal-activity: .*not available in the 'usgov-dod' cloud/)
  expect(message).toContain("Remove 'service-principal-activity' from log-types")

  // Not even asked for: the cloud's catalogue decided, not a 404.
  expect(tenant.graph.requests.map(r => r.logType)).not.toContain('service-principal-activity')
  expect(sorted(csvIds(result, 'audit-logs.csv'))).toEqual(sorted(expectedFor(tenant, result)))
  expect(existsSync(join(outputDir(result), 'service-principal-activity.csv'))).toBe(false)

  const artifacts = tenant.results.artifacts()
  expect(artifacts).toHaveLength(1)
  expect([...artifacts[0].files().keys()].sort()).toEqual([
    'SHA256SUMS',
    'audit-logs.csv',
    'manifest.json'
  ])
  const manifest = readFileSync(join(outputDir(result), 'manifest.json'), 'utf8')
  expect(manifest).toContain("not available in the 'usgov-dod' cloud")
  // The message cites the API reference's national-cloud table it rests on.
  expect(manifest).toContain('reportroot-list-serviceprincipalsigninactivities.md')
  expect(result.summary).toMatch(/\bcloud\W+usgov-dod\b/i)
})

test('an http authority-host is rejected before any request', async () => {
  tenant = await startSmallTenant()
  const result = await run(tenant, {
    'client-secret': tenant.clientSecret,
    'authority-host': tenant.authorityHost.replace('https:', 'http:')
  })
  const message = expectOneError(result)
  expect(message).toContain("Input 'authority-host' must be an https URL")
  expect(tenant.login.requests).toEqual([])
  expect(tenant.graph.requests).toEqual([])
})
