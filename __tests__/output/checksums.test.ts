/**
 * SHA256SUMS is read by GNU sha256sum itself here, not by our own parser: the
 * point of the file is that a stock tool accepts it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CHECKSUMS_FILE,
  checksumLine,
  renderChecksums,
  writeChecksums
} from '../../src/output/checksums.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'checksums-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const sha = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex')

function checkWithSha256sum(cwd: string): { status: number | null; output: string } {
  const run = spawnSync('sha256sum', ['-c', CHECKSUMS_FILE], { cwd, encoding: 'utf8' })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('SHA256SUMS', () => {
  it('is accepted by sha256sum -c for every file, including odd names and a subdirectory', async () => {
    const names = ['audit-logs.csv', 'audit-logs.2.csv', 'with space.csv', 'back\\slash.csv']
    mkdirSync(join(dir, 'sub'))
    names.push('sub/manifest.json')
    for (const [i, name] of names.entries()) writeFileSync(join(dir, name), `file ${i}\r\n`)
    const path = await writeChecksums(
      dir,
      names.map(name => ({ path: join(dir, name) }))
    )
    expect(path).toBe(join(dir, CHECKSUMS_FILE))
    const result = checkWithSha256sum(dir)
    expect(result.output).not.toMatch(/FAILED|WARNING/)
    expect(result.status).toBe(0)
    for (const name of names) expect(result.output).toContain(`${name}: OK`)
    // Byte-identical to what sha256sum itself writes for the same files.
    const own = execFileSync('sha256sum', names, { cwd: dir, encoding: 'utf8' })
    expect(readFileSync(path, 'utf8')).toBe(own)
  })

  it('fails sha256sum -c when a listed file is changed by one byte', async () => {
    writeFileSync(join(dir, 'a.csv'), 'id\r\n1\r\n')
    writeFileSync(join(dir, 'manifest.json'), '{}\n')
    await writeChecksums(dir, [{ path: join(dir, 'a.csv') }, { path: join(dir, 'manifest.json') }])
    expect(checkWithSha256sum(dir).status).toBe(0)
    writeFileSync(join(dir, 'a.csv'), 'id\r\n2\r\n')
    const result = checkWithSha256sum(dir)
    expect(result.status).not.toBe(0)
    expect(result.output).toContain('a.csv: FAILED')
    expect(result.output).toContain('manifest.json: OK')
  })

  it('uses a digest it is given instead of reading the file, so the list states what was written', async () => {
    writeFileSync(join(dir, 'a.csv'), 'now different')
    const text = await renderChecksums(dir, [{ path: join(dir, 'a.csv'), sha256: sha('written') }])
    expect(text).toBe(`${sha('written')}  a.csv\n`)
  })

  it('escapes a newline in a name the way sha256sum does', () => {
    expect(checksumLine(sha(''), 'a\nb')).toBe(`\\${sha('')}  a\\nb\n`)
  })

  it('refuses a file outside the output directory and a malformed digest', async () => {
    await expect(renderChecksums(join(dir, 'out'), [{ path: join(dir, 'x.csv') }])).rejects.toThrow(
      /not inside the output directory/
    )
    expect(() => checksumLine('ABC', 'x')).toThrow(/sha256/)
  })

  it('leaves no temporary file behind', async () => {
    writeFileSync(join(dir, 'a.csv'), 'x')
    await writeChecksums(dir, [{ path: join(dir, 'a.csv') }])
    expect(readdirSync(dir).sort()).toEqual([CHECKSUMS_FILE, 'a.csv'].sort())
  })
})
