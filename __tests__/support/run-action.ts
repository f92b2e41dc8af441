/**
 * Runs the action as GitHub would: a child `node` process with INPUT_* variables, the
 * runner's files and variables, the fake tenant's OIDC and results endpoints, the test
 * CA trusted and every non-loopback connection blocked.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FakeTenant } from '../fake-tenant/index.js'

export interface RunActionOptions {
  tenant?: FakeTenant
  /** Action inputs by name as in action.yml (e.g. 'tenant-id'). */
  inputs: Record<string, string>
  /** Extra variables; a value of undefined removes a variable set by default. */
  env?: Record<string, string | undefined>
  /** Script to run (default dist/index.js, relative to cwd). */
  script?: string
  cwd?: string
  timeoutMs?: number
  /** Called once the process runs, with a way to read its stdout so far (e.g. to signal it). */
  onStart?(child: ChildProcess, stdout: () => string): void
}

export interface RunActionResult {
  /** Exit code (null when killed, e.g. by the timeout). */
  code: number | null
  timedOut: boolean
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  runnerTemp: string
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BLOCK_NETWORK = join(ROOT, '__tests__', 'support', 'block-network.cjs')

/** @actions/core's name mangling: upper case, spaces to underscores, hyphens kept. */
/** The inputs that point the action at the simulated tenant with a client secret. */
export function tenantInputs(tenant: FakeTenant): Record<string, string> {
  return {
    'tenant-id': tenant.tenantId,
    'client-id': tenant.clientId,
    'client-secret': tenant.clientSecret,
    'authority-host': tenant.authorityHost,
    'graph-endpoint': tenant.graphEndpoint
  }
}

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Parses GITHUB_OUTPUT: `name<<DELIM\nvalue\nDELIM` blocks (and plain `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

export async function runAction(options: RunActionOptions): Promise<RunActionResult> {
  const cwd = options.cwd ?? ROOT
  const runnerTemp = mkdtempSync(join(tmpdir(), 'entra-log-export-run-'))
  const outputPath = join(runnerTemp, 'github-output')
  const summaryPath = join(runnerTemp, 'step-summary.md')
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const tenant = options.tenant
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: runnerTemp,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: runnerTemp,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: runnerTemp,
    NODE_EXTRA_CA_CERTS: tenant?.caPath ?? join(ROOT, '.tmp', 'pki', 'ca.pem'),
    NODE_OPTIONS: `--require ${BLOCK_NETWORK}`,
    ...tenant?.runnerEnv()
  }
  for (const [name, value] of Object.entries(options.inputs)) env[inputVariable(name)] = value
  for (const [name, value] of Object.entries(options.env ?? {})) env[name] = value
  const cleanEnv = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)
  )

  const child = spawn(process.execPath, [options.script ?? 'dist/index.js'], {
    cwd,
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  options.onStart?.(child, () => stdout)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 120_000)
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject)
    child.once('close', c => resolveExit(c))
  }).finally(() => clearTimeout(timer))

  return {
    code,
    timedOut,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    runnerTemp
  }
}
