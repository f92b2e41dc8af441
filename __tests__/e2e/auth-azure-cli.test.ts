/**
 * Issue 3, `auth: azure-cli`: the action reuses the session of an earlier
 * azure/login step through `az account get-access-token`. A stand-in `az` on PATH
 * plays the CLI (the real one is not installed here): it hands out a token the
 * simulated tenant issued, or fails the way az does.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FakeTenant } from '../fake-tenant/index.js'
import {
  csvIds,
  expectedFor,
  expectOneError,
  run,
  sorted,
  startSmallTenant
} from './auth-support.js'

let tenant: FakeTenant | undefined

afterEach(async () => {
  await tenant?.stop()
  tenant = undefined
})

/** A directory holding only an `az` shell script with this body; use it as PATH. */
function fakeAz(body: string): { dir: string; argsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-az-'))
  const argsFile = join(dir, 'az.args')
  writeFileSync(join(dir, 'az'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argsFile}'\n${body}\n`)
  chmodSync(join(dir, 'az'), 0o755)
  return { dir, argsFile }
}

const noSecrets = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined }

test('reuses the az session: the token az prints is the one Graph sees', async () => {
  tenant = await startSmallTenant()
  const issued = tenant.login.tokens.issue(tenant.tenantId, tenant.clientId, 'federated', 3600)
  const expiresOn = Math.floor(issued.expiresAt / 1000)
  const reply = JSON.stringify({
    accessToken: issued.token,
    expiresOn: new Date(issued.expiresAt).toISOString(),
    expires_on: expiresOn,
    tenant: tenant.tenantId,
    tokenType: 'Bearer'
  })
  const az = fakeAz(`printf '%s' '${reply}'`)
  const result = await run(tenant, { auth: 'azure-cli' }, { env: { ...noSecrets, PATH: az.dir } })

  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
  expect(result.stdout).toContain('(azure-cli).')
  // az was asked for the Graph resource in the configured tenant; the token endpoint never was.
  const calls = readFileSync(az.argsFile, 'utf8').trim().split('\n')
  expect(calls.length).toBeGreaterThanOrEqual(1)
  for (const call of calls) {
    expect(call).toBe(
      `account get-access-token --output json --resource ${tenant.graphEndpoint} --tenant ${tenant.tenantId}`
    )
  }
  expect(tenant.login.requests).toEqual([])
  expect(tenant.graph.requests.every(r => r.status === 200 && r.tokenMode === 'federated')).toBe(
    true
  )
  expect(sorted(csvIds(result, 'audit-logs.csv'))).toEqual(sorted(expectedFor(tenant, result)))
  // The token az printed is masked before anything could echo it.
  expect(result.stdout).toContain(`::add-mask::${issued.token}`)
})

test('no az on PATH: says the Azure CLI is missing and what to use instead', async () => {
  tenant = await startSmallTenant()
  const empty = mkdtempSync(join(tmpdir(), 'no-az-'))
  const result = await run(tenant, { auth: 'azure-cli' }, { env: { ...noSecrets, PATH: empty } })
  const message = expectOneError(result)
  expect(message).toContain('auth: azure-cli needs the Azure CLI (az)')
  expect(message).toContain('auth: oidc')
  expect(tenant.graph.requests).toEqual([])
})

test('no az session: says to run azure/login first', async () => {
  tenant = await startSmallTenant()
  const az = fakeAz(`echo "ERROR: Please run 'az login' to setup account." >&2\nexit 1`)
  const result = await run(tenant, { auth: 'azure-cli' }, { env: { ...noSecrets, PATH: az.dir } })
  const message = expectOneError(result)
  expect(message).toContain('found no Azure CLI session')
  expect(message).toContain('azure/login')
})

test('expired azure/login assertion (AADSTS700024): run right after azure/login or use oidc', async () => {
  tenant = await startSmallTenant()
  // What az prints when the GitHub OIDC token azure/login signed in with has expired.
  const stderr = [
    'ERROR: AADSTS700024: Client assertion is not within its valid time range. Current time: ' +
      '2026-01-01T10:06:00.0000000Z, assertion valid from 2026-01-01T10:00:00.0000000Z, expiry ' +
      'time of assertion 2026-01-01T10:05:00.0000000Z. Trace ID: 1 Correlation ID: 2 Timestamp: 3',
    'To re-authenticate, please run:',
    'az logout',
    'az login',
    'If the problem persists, please contact your tenant administrator.'
  ]
  const az = fakeAz(`printf '%s\\n' ${stderr.map(l => `'${l}'`).join(' ')} >&2\nexit 1`)
  const result = await run(tenant, { auth: 'azure-cli' }, { env: { ...noSecrets, PATH: az.dir } })
  const message = expectOneError(result)
  expect(message).toContain('AADSTS700024')
  expect(message).toContain('right after azure/login')
  expect(message).toContain('auth: oidc')
  expect(message).not.toContain('found no Azure CLI session')
})
