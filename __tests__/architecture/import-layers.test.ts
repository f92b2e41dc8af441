/**
 * Issue 17 item 1: imports in src/ flow one way (root → inputs → auth → graph →
 * state → export → output → findings → publish → composition root) with no file
 * cycles. The rule lives in .dependency-cruiser.cjs; this test runs it on src/
 * and, so that it can be seen to fail, on a small tree that breaks it.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

interface Violation {
  from: string
  to: string
  rule: { name: string }
  cycle?: { name: string }[]
}

/** Every rule broken under `cwd`'s src/, one line per edge: "rule: from -> to". */
function violations(cwd: string): string[] {
  const run = spawnSync(
    process.execPath,
    [CLI, 'src', '--config', CONFIG, '--output-type', 'json'],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  )
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing: ${run.stderr}`)
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } }
  return result.summary.violations
    .map(v => {
      const via = v.cycle ? ` (cycle: ${[v.from, ...v.cycle.map(c => c.name)].join(' -> ')})` : ''
      return `${v.rule.name}: ${v.from} -> ${v.to}${via}`
    })
    .sort()
}

describe('import layers', () => {
  it('src/ has no upward import and no cycle', () => {
    // On failure the diff lists each offending edge and the rule it breaks.
    expect(violations(ROOT)).toEqual([])
  })

  describe('the rule catches', () => {
    let dir: string
    beforeAll(() => {
      mkdirSync(join(ROOT, '.tmp'), { recursive: true })
      dir = mkdtempSync(join(ROOT, '.tmp', 'import-layers-'))
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }
        }),
        // Allowed: a later layer using an earlier one and a root file.
        'src/settings.ts': 'export const a = 1\n',
        'src/graph/query.ts': "import { a } from '../settings.js'\nexport const q = a\n",
        'src/export/engine.ts': "import { q } from '../graph/query.js'\nexport const e = q\n",
        'src/output/writer.ts': "import { e } from '../export/engine.js'\nexport const w = e\n",
        // An upward import: inputs is read before output exists.
        'src/inputs/paths.ts': "import { w } from '../output/writer.js'\nexport const p = w\n",
        // A type-only upward import counts too.
        'src/state/incremental.ts':
          "import type { e } from '../export/engine.js'\nexport type S = typeof e\n",
        // A root file reaching into a folder.
        'src/window.ts': "import { q } from './graph/query.js'\nexport const win = q\n",
        // A layer importing the composition root.
        'src/main.ts': "import { p } from './inputs/paths.js'\nexport const m = p\n",
        'src/publish/summary.ts': "import { m } from '../main.js'\nexport const s = m\n",
        // A file cycle inside one folder.
        'src/publish/a.ts': "import { b } from './b.js'\nexport const a = () => b\n",
        'src/publish/b.ts': "import { a } from './a.js'\nexport const b = () => a\n",
        // Export may not reach output: it declares what it needs and is handed it.
        'src/export/chain.ts': "import { w } from '../output/writer.js'\nexport const c = w\n",
        // A folder the layer list does not place.
        'src/helpers/x.ts': 'export const x = 1\n',
        'src/graph/uses-helpers.ts': "import { x } from '../helpers/x.js'\nexport const u = x\n"
      }
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true })
        writeFileSync(join(dir, name), text)
      }
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('upward imports (type-only too), root files reaching into folders, unknown folders and cycles', () => {
      expect(violations(dir)).toEqual(
        [
          'export-imports-only-earlier-layers: src/export/chain.ts -> src/output/writer.ts',
          'inputs-imports-only-earlier-layers: src/inputs/paths.ts -> src/output/writer.ts',
          'known-folder: src/graph/uses-helpers.ts -> src/helpers/x.ts',
          'no-circular: src/publish/a.ts -> src/publish/b.ts (cycle: src/publish/a.ts -> src/publish/b.ts -> src/publish/a.ts)',
          'publish-imports-only-earlier-layers: src/publish/summary.ts -> src/main.ts',
          'root-imports-root: src/window.ts -> src/graph/query.ts',
          'state-imports-only-earlier-layers: src/state/incremental.ts -> src/export/engine.ts'
        ].sort()
      )
    })
  })
})
