import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../../src/errors.js'
import { checkOutputDirIsFree, resolveOutputDir } from '../../src/inputs/paths.js'

let base: string
let ws: string
let temp: string
let env: NodeJS.ProcessEnv
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'output-dir-')))
  ws = join(base, 'ws')
  temp = join(base, 'temp')
  mkdirSync(ws)
  mkdirSync(temp)
  env = { GITHUB_WORKSPACE: ws, RUNNER_TEMP: temp }
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

function refused(call: () => unknown, fragment: string): void {
  expect(call).toThrow(UserError)
  expect(call).toThrow(fragment)
}

describe('resolveOutputDir', () => {
  it('defaults to a directory per artifact under runner temp', () => {
    expect(resolveOutputDir('', 'daily', env)).toBe(join(temp, 'entra-log-export', 'daily'))
  })

  it('accepts directories, existing or not, inside the workspace or runner temp', () => {
    expect(resolveOutputDir(join(ws, 'a', 'b'), 'x', env)).toBe(join(ws, 'a', 'b'))
    expect(resolveOutputDir(ws, 'x', env)).toBe(ws)
    expect(resolveOutputDir(join(temp, 'out'), 'x', env)).toBe(join(temp, 'out'))
  })

  it('refuses anything else, including a sibling that shares a prefix', () => {
    refused(() => resolveOutputDir(base, 'x', env), "Input 'output-dir' must be a directory inside")
    refused(() => resolveOutputDir(`${ws}-other/x`, 'x', env), 'inside the workspace')
    refused(() => resolveOutputDir(join(ws, '..', '..'), 'x', env), 'inside the workspace')
    refused(() => resolveOutputDir('/', 'x', env), 'inside the workspace')
  })

  it('follows links: out of bounds through a link is refused, a link within is resolved', () => {
    symlinkSync(base, join(ws, 'escape'))
    refused(() => resolveOutputDir(join(ws, 'escape', 'x'), 'x', env), 'through a symbolic link')
    symlinkSync(temp, join(ws, 'to-temp'))
    expect(resolveOutputDir(join(ws, 'to-temp', 'x'), 'x', env)).toBe(join(temp, 'x'))
  })

  it('refuses an existing file, a path under one, and a dangling link', () => {
    writeFileSync(join(ws, 'file'), '')
    refused(() => resolveOutputDir(join(ws, 'file'), 'x', env), 'is an existing file')
    refused(() => resolveOutputDir(join(ws, 'file', 'sub'), 'x', env), 'existing file')
    symlinkSync(join(base, 'nowhere'), join(ws, 'dangling'))
    refused(() => resolveOutputDir(join(ws, 'dangling'), 'x', env), 'symbolic link to nothing')
  })
})

describe('checkOutputDirIsFree', () => {
  it('refuses files this run would write, naming them, and ignores everything else', () => {
    const dir = join(ws, 'out')
    checkOutputDirIsFree(dir, ['audit-logs']) // not there yet: fine
    mkdirSync(dir)
    for (const name of ['notes.txt', 'provisioning-logs.csv', 'audit-logs.csv.bak'])
      writeFileSync(join(dir, name), '')
    checkOutputDirIsFree(dir, ['audit-logs'])
    for (const name of [
      'audit-logs.csv',
      'audit-logs.3.csv',
      'audit-logs.jsonl',
      'audit-logs.incomplete.csv',
      'manifest.json'
    ]) {
      writeFileSync(join(dir, name), '')
      refused(() => checkOutputDirIsFree(dir, ['audit-logs']), name)
      rmSync(join(dir, name))
    }
  })
})
