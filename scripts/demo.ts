/**
 * `npm run demo`: see the action work without a tenant. Starts the simulated
 * tenant, runs the bundled action (dist/index.js) against it as a runner would,
 * and prints where the files, manifest and step summary are.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeTenant } from '../__tests__/fake-tenant/index.js'
import { runAction, tenantInputs } from '../__tests__/support/run-action.js'

const tenant = await startFakeTenant({
  dataset: { count: 2000 },
  // Graph's real limit is 5 requests per 10 s; the demo runs ten times faster.
  graph: { throttle: { limit: 50, windowMs: 10_000 }, latencyMs: { min: 50, max: 250 } }
})
try {
  console.log('Simulated tenant is up:')
  console.log(`  Entra token endpoint  ${tenant.authorityHost}`)
  console.log(`  Microsoft Graph       ${tenant.graphEndpoint}`)
  console.log(`  Artifact backend      ${tenant.results.url}`)
  console.log(
    '\nRunning dist/index.js with service-principal sign-ins, audit logs and provisioning logs for the last 48 hours...\n'
  )
  const started = Date.now()
  const run = await runAction({
    tenant,
    inputs: {
      ...tenantInputs(tenant),
      'log-types':
        'service-principal-sign-ins, managed-identity-sign-ins, audit-logs, provisioning-logs',
      since: '48h',
      format: 'csv, jsonl',
      'rate-limit': '50',
      'max-concurrency': '6'
    },
    timeoutMs: 300_000
  })
  const log = run.stdout
    .split('\n')
    .filter(
      line => line !== '' && !line.startsWith('::debug::') && !line.startsWith('::add-mask::')
    )
  console.log(log.map(line => `  | ${line}`).join('\n'))
  if (run.code !== 0) {
    console.error(`\nThe action failed (exit ${run.code}).\n${run.stderr}`)
    process.exitCode = 1
  } else {
    const outputDir = run.outputs['output-dir']
    const summaryPath = join(run.runnerTemp, 'step-summary.md')
    console.log(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Row counts: ${run.outputs['row-counts']}`
    )
    console.log(`\nFiles:    ${outputDir}`)
    for (const file of JSON.parse(run.outputs.files) as string[]) console.log(`  ${file}`)
    console.log(`Manifest: ${run.outputs.manifest}`)
    console.log(`Summary:  ${summaryPath}`)
    console.log(`Artifact: ${run.outputs['artifact-url']} (held by the simulated backend)`)
    console.log('\nFirst lines of service-principal-sign-ins.csv:')
    const csv = readFileSync(join(outputDir, 'service-principal-sign-ins.csv'), 'utf8')
    console.log(
      csv
        .split('\r\n')
        .slice(0, 4)
        .map(l => `  ${l.slice(0, 160)}`)
        .join('\n')
    )
  }
} finally {
  await tenant.stop()
}
