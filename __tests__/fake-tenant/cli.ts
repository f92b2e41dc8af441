/**
 * Runs a simulated tenant until SIGINT/SIGTERM and prints how to reach it, for manual
 * runs and end-to-end workflows:
 *
 *   NODE_EXTRA_CA_CERTS=.tmp/pki/ca.pem tsx __tests__/fake-tenant/cli.ts [--port-file f] [--seed n] [--count n] [--no-throttle]
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startFakeTenant } from './index.js'

const { values } = parseArgs({
  options: {
    'port-file': { type: 'string' },
    seed: { type: 'string' },
    'rate-limit': { type: 'string' },
    /** Records per log type (default 300). */
    count: { type: 'string' },
    /** No throttling at all (for measuring the exporter alone). */
    'no-throttle': { type: 'boolean' }
  }
})

const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit'])
const tenant = await startFakeTenant({
  seed: values.seed === undefined ? undefined : Number(values.seed),
  dataset: values.count === undefined ? undefined : { count: Number(values.count) },
  graph: values['no-throttle']
    ? { throttle: false }
    : rateLimit
      ? { throttle: { limit: rateLimit, windowMs: 10_000 } }
      : undefined
})
const info = {
  tenantId: tenant.tenantId,
  domain: tenant.domain,
  clientId: tenant.clientId,
  clientSecret: tenant.clientSecret,
  certificatePath: tenant.certificatePath,
  authorityHost: tenant.authorityHost,
  graphEndpoint: tenant.graphEndpoint,
  caPath: tenant.caPath,
  window: {
    start: tenant.dataset.window.start.toISOString(),
    end: tenant.dataset.window.end.toISOString()
  },
  env: tenant.runnerEnv()
}
const text = JSON.stringify(info, null, 2)
if (values['port-file']) writeFileSync(values['port-file'], text)
console.log(text)

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  void tenant.stop().then(() => console.error('fake tenant stopped'))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
