#!/usr/bin/env node
/**
 * Writes a .env file for @github/local-action that points the action at a
 * running simulated tenant (the JSON that __tests__/fake-tenant/cli.ts writes
 * with --port-file). See the README's Development section.
 *
 *   node scripts/local-action-env.mjs .tmp/tenant.json > .tmp/local-action.env
 *
 * Extra inputs: NAME=value arguments after the file (`incremental=true`).
 * The client secret is the simulated tenant's throwaway one.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const [portFile, ...extra] = process.argv.slice(2)
if (!portFile) {
  console.error('usage: node scripts/local-action-env.mjs <tenant.json> [input=value ...]')
  process.exit(2)
}
const tenant = JSON.parse(readFileSync(portFile, 'utf8'))
// Next to the port file, so everything stays under .tmp/.
const base = join(resolve(dirname(portFile)), 'local-action')
const dirs = {
  workspace: join(base, 'workspace'),
  artifacts: join(base, 'artifacts'),
  cache: join(base, 'cache'),
  temp: join(base, 'runner-temp'),
  output: join(base, 'output')
}
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true })

const inputs = {
  'tenant-id': tenant.tenantId,
  'client-id': tenant.clientId,
  'client-secret': tenant.clientSecret,
  'authority-host': tenant.authorityHost,
  'graph-endpoint': tenant.graphEndpoint,
  since: tenant.window.start,
  until: tenant.window.end,
  'output-dir': dirs.output
}
for (const pair of extra) {
  const at = pair.indexOf('=')
  if (at <= 0) throw new Error(`not NAME=value: ${pair}`)
  inputs[pair.slice(0, at)] = pair.slice(at + 1)
}

const lines = [
  '# For @github/local-action against the simulated tenant (throwaway credentials).',
  `LOCAL_ACTION_WORKSPACE=${dirs.workspace}`,
  `LOCAL_ACTION_ARTIFACT_PATH=${dirs.artifacts}`,
  `LOCAL_ACTION_CACHE_PATH=${dirs.cache}`,
  `RUNNER_TEMP=${dirs.temp}`,
  // local-action keeps hyphens in input names (INPUT_TENANT-ID), as the runner does.
  ...Object.entries(inputs).map(([name, value]) => `INPUT_${name.toUpperCase()}=${value}`)
]
process.stdout.write(`${lines.join('\n')}\n`)
