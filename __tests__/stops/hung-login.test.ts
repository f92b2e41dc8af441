/**
 * Issue 14: a login endpoint that accepts the connection and never answers ends
 * the step with a named error and a summary, instead of hanging for hours.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { runAction } from '../support/run-action.js'

const PKI = join(process.cwd(), '.tmp', 'pki')

describe('a sign-in endpoint that never answers', () => {
  let server: Server
  const sockets = new Set<Socket>()
  let requests = 0
  beforeAll(async () => {
    server = createServer(
      {
        key: readFileSync(join(PKI, 'server-key.pem')),
        cert: readFileSync(join(PKI, 'server.pem'))
      },
      () => {
        requests++ // and never answer
      }
    )
    server.on('secureConnection', socket => sockets.add(socket))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => server.close(resolve))
  })

  it('fails within the token budget, naming the host, with a summary', async () => {
    const port = (server.address() as AddressInfo).port
    const host = `https://localhost:${port}`
    const started = Date.now()
    const result = await runAction({
      inputs: {
        'tenant-id': '11111111-2222-4333-8444-555555555555',
        'client-id': '22222222-3333-4444-8555-666666666666',
        'client-secret': 'not-a-real-secret',
        'authority-host': host,
        'graph-endpoint': 'https://localhost:1',
        upload: 'false'
      },
      timeoutMs: 150_000
    })
    const seconds = (Date.now() - started) / 1000
    expect(result.timedOut).toBe(false)
    expect(result.code).not.toBe(0)
    // 3 attempts of 20 s plus pauses: about a minute, never the job's 6 hours.
    expect(seconds).toBeLessThan(100)
    const errors = result.stdout.split('\n').filter(line => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`localhost:${port}`)
    expect(errors[0]).toMatch(/did not answer within 20 s/)
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
    expect(result.summary).toMatch(/localhost/)
    expect(requests).toBeGreaterThanOrEqual(3)
  }, 160_000)

  it('a cancel while signing in ends the step at once, saying so', async () => {
    const port = (server.address() as AddressInfo).port
    let signalledAt = 0
    let exitedAt = 0
    const result = await runAction({
      inputs: {
        'tenant-id': '11111111-2222-4333-8444-555555555555',
        'client-id': '22222222-3333-4444-8555-666666666666',
        'client-secret': 'not-a-real-secret',
        'authority-host': `https://localhost:${port}`,
        'graph-endpoint': 'https://localhost:1',
        upload: 'false'
      },
      onStart(child, stdout) {
        const poll = setInterval(() => {
          if (/::group::Signing in/.test(stdout())) {
            clearInterval(poll)
            setTimeout(() => {
              signalledAt = Date.now()
              child.kill('SIGINT')
            }, 500)
          }
        }, 20)
        child.once('exit', () => {
          exitedAt = Date.now()
          clearInterval(poll)
        })
      },
      timeoutMs: 60_000
    })
    expect(signalledAt).toBeGreaterThan(0)
    expect(exitedAt - signalledAt).toBeLessThan(5_000)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::The run was cancelled while signing in/)
    expect(result.summary).toMatch(/cancelled/)
  }, 70_000)
})
