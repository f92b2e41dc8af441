/**
 * Shared by the auth end-to-end tests: a small simulated tenant, the inputs that
 * point the bundled action at it, and readers for what a run left behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import {
  expectedIds,
  startFakeTenant,
  type FakeTenant,
  type FakeTenantOptions
} from '../fake-tenant/index.js'
import { runAction, type RunActionOptions, type RunActionResult } from '../support/run-action.js'

/** Few records and no throttling: these tests are about sign-in, not paging. */
export function startSmallTenant(options: FakeTenantOptions = {}): Promise<FakeTenant> {
  return startFakeTenant({
    dataset: { count: 20 },
    ...options,
    graph: { throttle: false, ...options.graph }
  })
}

/** Inputs every run needs; `auth`-specific ones come from the caller. */
export function baseInputs(
  tenant: FakeTenant,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    'tenant-id': tenant.tenantId,
    'client-id': tenant.clientId,
    'authority-host': tenant.authorityHost,
    'graph-endpoint': tenant.graphEndpoint,
    'log-types': 'audit-logs',
    since: '48h',
    'rate-limit': '100',
    ...extra
  }
}

export function run(
  tenant: FakeTenant,
  inputs: Record<string, string>,
  options: Omit<RunActionOptions, 'tenant' | 'inputs'> = {}
): Promise<RunActionResult> {
  return runAction({ tenant, inputs: baseInputs(tenant, inputs), timeoutMs: 60_000, ...options })
}

export function outputDir(result: RunActionResult): string {
  // The default output-dir: a directory per artifact name under runner temp.
  return join(result.runnerTemp, 'entra-log-export', 'entra-logs')
}

/** The `id` column of a CSV the run wrote. */
export function csvIds(result: RunActionResult, file: string): string[] {
  const rows = parse(readFileSync(join(outputDir(result), file)), {
    bom: true,
    columns: true
  }) as Record<string, string>[]
  return rows.map(row => row.id)
}

/** The ids the tenant holds for a log type inside the window the run reported. */
export function expectedFor(
  tenant: FakeTenant,
  result: RunActionResult,
  logType = 'audit-logs'
): string[] {
  const start = result.outputs['window-start']
  const end = result.outputs['window-end']
  if (!start || !end) throw new Error(`no window in outputs: ${JSON.stringify(result.outputs)}`)
  return expectedIds(tenant.dataset, logType as 'audit-logs', { start, end })
}

export const sorted = (ids: string[]): string[] => [...ids].sort()

/** Lines of the run's stdout that are workflow commands of one kind, e.g. 'error'. */
export function commands(result: RunActionResult, kind: string): string[] {
  return result.stdout.split(/\r?\n/).filter(line => line.startsWith(`::${kind}::`))
}

/** A failed step: exit code 1, exactly one ::error:: line, no stack trace anywhere. */
export function expectOneError(result: RunActionResult): string {
  expect(result.timedOut).toBe(false)
  expect(result.code).toBe(1)
  const errors = commands(result, 'error')
  expect(errors).toHaveLength(1)
  // A stack frame outside debug lines means an error escaped untranslated.
  const visible = `${result.stdout}\n${result.stderr}`
    .split(/\r?\n/)
    .filter(line => !line.startsWith('::debug::'))
  expect(visible.filter(line => /^\s+at .+[(:]\d+/.test(line))).toEqual([])
  // The runner decodes %0A back to line breaks in annotations.
  return errors[0]
    .slice('::error::'.length)
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%')
}

/** Every file under a directory, recursively, as [path, content]. */
export function filesUnder(dir: string): [string, Buffer][] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path)]]
  })
}
