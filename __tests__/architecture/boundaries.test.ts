/**
 * Issue 17: the core takes its boundaries as parameters. Only the composition
 * root (main.ts, index.ts, actions-log.ts) may read the process environment,
 * and no file forces a type through `unknown` (the Graph SDK is used through
 * its typed middleware Context, not a cast).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const SRC = resolve(import.meta.dirname, '../../src')
const COMPOSITION_ROOT = new Set(['main.ts', 'index.ts', 'actions-log.ts'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : []
  )
}

/** "file:line: text" for each line of src/ (outside `exempt`) that matches. */
function offendingLines(pattern: RegExp, exempt: Set<string> = new Set()): string[] {
  return sourceFiles(SRC).flatMap(file => {
    const name = relative(SRC, file)
    if (exempt.has(name)) return []
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        pattern.test(line) && !/^\s*(\*|\/\/)/.test(line)
          ? [`${name}:${i + 1}: ${line.trim()}`]
          : []
      )
  })
}

describe('boundaries', () => {
  it('src/ reads process.env only in the composition root', () => {
    expect(offendingLines(/process\.env\b/, COMPOSITION_ROOT)).toEqual([])
  })

  it('src/ casts nothing through unknown', () => {
    expect(offendingLines(/\bas unknown\b/)).toEqual([])
  })

  it('the scan sees what it looks for (it can fail)', () => {
    expect(offendingLines(/process\.env\b/).some(line => line.startsWith('main.ts:'))).toBe(true)
  })
})
