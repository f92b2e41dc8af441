/**
 * The one way to the log: outside text can never start a workflow command, and
 * no module but actions-log.ts calls @actions/core's logging functions.
 */
import { jest } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as log from '../src/actions-log.js'
import { safeLogMessage, safeLogText } from '../src/log-text.js'

/** Lines the runner would read as a command: `::` after leading whitespace, or `##[` anywhere. */
function commandLines(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/).filter(line => /^\s*::/.test(line) || line.includes('##['))
}

const HOSTILE = [
  '\n::error::pwned',
  '\r\n::add-mask::pwned',
  'x%0A::error::pwned',
  '::stop-commands::pwned',
  '  ::warning title=pwned::x',
  '\r::error::pwned',
  '\u2028::error::pwned',
  '##[error]pwned',
  '\u001b[31mred\u001b[0m'
]

describe('safeLogText', () => {
  it.each(HOSTILE)('makes %j one line that commands nothing', text => {
    const safe = safeLogText(`Graph said: ${text}`)
    expect(safe.split(/[\r\n\u2028\u2029\u0085]/)).toHaveLength(1)
    // eslint-disable-next-line no-control-regex
    expect(safe).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    expect(safe).not.toContain('##[')
    // The text is still there to read.
    if (text.includes('pwned')) expect(safe).toContain('pwned')
  })

  it('defuses command syntax at the start of the text itself', () => {
    expect(safeLogText('::error::x')).toBe('%3A:error::x')
    expect(safeLogText('  ::add-mask::x')).toBe('  %3A:add-mask::x')
    expect(commandLines(safeLogText('\ufeff::stop-commands::x'))).toEqual([])
  })

  it('shows line breaks as escapes and keeps ordinary text as it is', () => {
    expect(safeLogText('a\r\nb\nc\rd')).toBe('a\\r\\nb\\nc\\rd')
    expect(safeLogText('50% of fe80::1 at 10:00')).toBe('50% of fe80::1 at 10:00')
    expect(safeLogText('x%0Ay')).toBe('x%0Ay')
  })

  it('is idempotent, so text escaped at its source can pass the boundary again', () => {
    for (const text of HOSTILE) expect(safeLogText(safeLogText(text))).toBe(safeLogText(text))
  })
})

describe('safeLogMessage', () => {
  it("keeps the action's own lines and defuses each", () => {
    expect(safeLogMessage('2 log types failed:\n- a: ::error::x\n::add-mask::y')).toBe(
      '2 log types failed:\n- a: ::error::x\n%3A:add-mask::y'
    )
  })
})

describe('actions-log writes nothing the runner reads as a command', () => {
  let out: string[]
  beforeEach(() => {
    out = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(chunk.toString())
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.exitCode = undefined
  })

  it.each(HOSTILE)('%j through info, debug, warning, notice, error and setFailed', text => {
    log.info(`info ${text}`)
    log.debug(`debug ${text}`)
    log.warning(`warning ${text}`, { title: text, file: text })
    log.notice(text)
    log.error(`error ${text}`)
    log.setFailed(text)
    const stdout = out.join('')
    const own = /^::(debug|warning|notice|error)( [^:]*)?::/
    for (const line of commandLines(stdout)) expect(line).toMatch(own)
    // Each call printed exactly one line: nothing outside started another.
    expect(stdout.split('\n').filter(l => l !== '')).toHaveLength(6)
  })
})

describe('the log boundary', () => {
  const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap(name => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
    })

  it('only src/actions-log.ts writes to the log or the summary', () => {
    const offenders: string[] = []
    const logging = '(info|debug|warning|error|notice|setFailed|startGroup|endGroup|group|summary)'
    const viaCore = new RegExp(`\\bcore\\.${logging}\\b`)
    const named = new RegExp(`import\\s*\\{[^}]*\\b${logging}\\b[^}]*\\}\\s*from '@actions/core'`)
    const direct = /\bconsole\.|process\.(stdout|stderr)\.write/
    for (const path of files(SRC)) {
      if (relative(SRC, path) === 'actions-log.ts') continue
      const text = readFileSync(path, 'utf8')
      const importsCore = /from '@actions\/core'/.test(text)
      if (named.test(text))
        offenders.push(`${relative(SRC, path)}: imports logging from @actions/core`)
      text.split('\n').forEach((line, i) => {
        if (/^\s*(\*|\/\/|\/\*)/.test(line)) return
        if (direct.test(line) || (importsCore && viaCore.test(line)))
          offenders.push(`${relative(SRC, path)}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })

  it('main.ts and index.ts take `core` from actions-log.ts', () => {
    for (const name of ['main.ts', 'index.ts']) {
      const text = readFileSync(join(SRC, name), 'utf8')
      expect(text).toContain("import * as core from './actions-log.js'")
      expect(text).not.toContain("from '@actions/core'")
    }
  })
})
