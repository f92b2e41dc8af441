/**
 * CONTRIBUTING.md's architecture map and glossary must match the tree: every folder under src/
 * has a row, every root file of src/ is named in a root row, every file a row or the glossary
 * names exists (or is marked _(planned)_ and does not exist yet), and __tests__/ mirrors src/
 * apart from the cross-cutting folders the test map names.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../support/action-yml.js'

const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8')

function between(text: string, name: string): string {
  const start = text.indexOf(`<!-- ${name}:start -->`)
  const end = text.indexOf(`<!-- ${name}:end -->`)
  if (start < 0 || end < start) throw new Error(`CONTRIBUTING.md lacks the ${name} markers`)
  return text.slice(start, end)
}

/** The section from `## title` (or `### title`) to the next heading of that level or above. */
function sectionTitled(text: string, title: string): string {
  const match = new RegExp(`^(#{2,3}) ${title}\\s*$`, 'm').exec(text)
  if (!match) throw new Error(`CONTRIBUTING.md has no '${title}' heading`)
  const rest = text.slice(match.index + match[0].length)
  const next = new RegExp(`^#{2,${match[1].length}} `, 'm').exec(rest)
  return next ? rest.slice(0, next.index) : rest
}

interface Named {
  path: string
  planned: boolean
}

/** Backticked tokens ending in `suffix`, each marked planned when `_(planned)_` follows it. */
function named(text: string, suffix: RegExp): Named[] {
  return [...text.matchAll(/`([^`\s]+)`(\s*_\(planned\)_)?/g)]
    .filter(m => suffix.test(m[1]))
    .map(m => ({ path: m[1], planned: m[2] !== undefined }))
}

interface Row {
  folder: string
  planned: boolean
  cells: string[]
}

function tableRows(section: string): Row[] {
  return section
    .split('\n')
    .filter(line => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map(line => line.split('|').slice(1, -1))
    .flatMap(cells => {
      const folder = cells.flatMap(cell => named(cell, /\/$/))[0]
      return folder ? [{ folder: folder.path, planned: folder.planned, cells }] : []
    })
}

/** Every directory under `dir` (relative, with a trailing slash), recursively. */
function directories(dir: string, prefix = ''): string[] {
  return readdirSync(join(ROOT, dir, prefix), { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .flatMap(entry => {
      const path = `${prefix}${entry.name}/`
      return [path, ...directories(dir, path)]
    })
}

const exists = (path: string): boolean => existsSync(join(ROOT, path))

/** What is wrong with a path the document names: missing, or planned but already there. */
function problemsOf(where: string, items: Named[]): string[] {
  return items.flatMap(({ path, planned }) => {
    if (planned && exists(path)) {
      return [`${where}: ${path} exists now: drop its _(planned)_ mark (and check its name)`]
    }
    if (!planned && !exists(path)) {
      return [`${where}: ${path} does not exist: fix the name or mark it _(planned)_`]
    }
    return []
  })
}

const map = tableRows(between(contributing, 'architecture-map'))
const testMap = tableRows(between(contributing, 'test-map'))

describe("CONTRIBUTING's architecture map", () => {
  it('has a row for every folder under src/, and only for folders that exist', () => {
    expect(map.length).toBeGreaterThan(8)
    const rows = new Set(map.map(row => row.folder))
    const missing = directories('src')
      .map(dir => `src/${dir}`)
      .filter(dir => !rows.has(dir))
      .map(dir => `${dir} has no row in CONTRIBUTING.md's architecture map`)
    const stale = problemsOf(
      'architecture map',
      map.map(row => ({ path: row.folder, planned: row.planned }))
    )
    expect([...missing, ...stale]).toEqual([])
  })

  it("names in the src/ rows every root file of src/, and each row's files exist", () => {
    const problems = map.flatMap(row =>
      problemsOf(
        `architecture map, row ${row.folder}`,
        row.cells
          .slice(1)
          .flatMap(cell => named(cell, /\.ts$/))
          .map(item => ({ ...item, path: `${row.folder}${item.path}` }))
      )
    )
    const rootNames = new Set(
      map
        .filter(row => row.folder === 'src/')
        .flatMap(row => row.cells.flatMap(cell => named(cell, /\.ts$/)).map(n => n.path))
    )
    const unnamed = readdirSync(join(ROOT, 'src'))
      .filter(name => name.endsWith('.ts') && !rootNames.has(name))
      .map(name => `src/${name} is in no src/ row of CONTRIBUTING.md's architecture map`)
    expect([...problems, ...unnamed]).toEqual([])
  })

  it('the glossary names only files that exist (paths under src/)', () => {
    const glossary = sectionTitled(contributing, 'Glossary of the export')
    const files = named(glossary, /\.ts$/).map(item => ({
      ...item,
      path: `src/${item.path.replace(/^src\//, '')}`
    }))
    expect(files.length).toBeGreaterThan(10)
    expect(problemsOf('glossary', files)).toEqual([])
  })
})

describe('__tests__/ mirrors src/', () => {
  const sourceFolders = new Set(directories('src'))
  const crossCutting = new Set(testMap.map(row => row.folder.replace(/^__tests__\//, '')))

  it('names only cross-cutting folders that exist and that no src/ folder shares a name with', () => {
    expect(crossCutting.size).toBeGreaterThanOrEqual(5)
    const problems = testMap.flatMap(row =>
      problemsOf('test map', [{ path: row.folder, planned: row.planned }])
    )
    for (const folder of crossCutting) {
      if (sourceFolders.has(folder)) {
        problems.push(`__tests__/${folder} is named cross-cutting but mirrors src/${folder}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('has each other test folder mirror a src/ folder', () => {
    const strays = directories('__tests__')
      .filter(dir => dir.split('/').length === 2)
      .filter(dir => !sourceFolders.has(dir) && !crossCutting.has(dir))
      .map(
        dir =>
          `__tests__/${dir} mirrors no src/ folder and is not a cross-cutting folder of CONTRIBUTING.md's test map`
      )
    expect(strays).toEqual([])
  })

  it("has each test file at __tests__/'s root test a root file of src/ of the same name", () => {
    const strays = readdirSync(join(ROOT, '__tests__'))
      .filter(name => statSync(join(ROOT, '__tests__', name)).isFile())
      .filter(
        name => !(name.endsWith('.test.ts') && exists(`src/${name.replace(/\.test\.ts$/, '.ts')}`))
      )
      .map(name => `__tests__/${name} mirrors no root file of src/`)
    expect(strays).toEqual([])
  })

  it('keeps tests out of support/', () => {
    const tests = readdirSync(join(ROOT, '__tests__', 'support')).filter(n =>
      n.endsWith('.test.ts')
    )
    expect(tests).toEqual([])
  })
})
