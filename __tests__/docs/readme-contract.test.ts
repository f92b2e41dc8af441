// The README is part of the contract: its input and output tables must say what
// action.yml says (names, order, required/defaults, descriptions), and every
// workflow it or examples/ shows may only use inputs and outputs that exist.
// On a mismatch the failure message carries the table to paste into README.md.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { LOG_TYPES } from '../../src/settings.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

interface Entry {
  name: string
  fields: Record<string, string>
}

// ---------------------------------------------------------------------------
// action.yml, parsed by hand: the repository has no direct YAML dependency, and
// action.yml only uses maps, quoted/plain scalars and folded (>-) blocks.

function parseScalar(raw: string): string {
  const text = raw.trim()
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) {
    return text.slice(1, -1).replace(/''/g, "'")
  }
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    return text.slice(1, -1).replace(/\\(["\\])/g, '$1')
  }
  return text
}

function parseActionSections(text: string): { inputs: Entry[]; outputs: Entry[] } {
  const sections: Record<string, Entry[]> = { inputs: [], outputs: [] }
  const lines = text.split(/\r?\n/)
  let section: Entry[] | undefined
  let entry: Entry | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const indent = line.length - line.trimStart().length
    if (indent === 0) {
      const key = /^([\w-]+):/.exec(line)?.[1]
      section = key !== undefined ? sections[key] : undefined
      entry = undefined
      continue
    }
    if (section === undefined) continue
    const match = /^([\w-]+):\s*(.*)$/.exec(line.trim())
    if (match === null) throw new Error(`action.yml line ${i + 1} not understood: ${line}`)
    const [, key, rest] = match
    if (indent === 2) {
      entry = { name: key, fields: {} }
      section.push(entry)
    } else if (indent === 4 && entry !== undefined) {
      if (/^[>|][-+]?$/.test(rest)) {
        const block: string[] = []
        while (
          i + 1 < lines.length &&
          (lines[i + 1].trim() === '' || /^ {5,}/.test(lines[i + 1]))
        ) {
          block.push(lines[++i].trim())
        }
        entry.fields[key] = rest.startsWith('>') ? block.join(' ').trim() : block.join('\n')
      } else {
        entry.fields[key] = parseScalar(rest)
      }
    }
  }
  return { inputs: sections.inputs, outputs: sections.outputs }
}

// ---------------------------------------------------------------------------
// README tables

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|')

function defaultCell(input: Entry): string {
  if (input.fields.required === 'true') return '**required**'
  const value = input.fields.default ?? ''
  return value === '' ? '_(empty)_' : `\`${value}\``
}

function renderInputs(inputs: Entry[]): string {
  return [
    '| Input | Default | Description |',
    '| --- | --- | --- |',
    ...inputs.map(
      i => `| \`${i.name}\` | ${defaultCell(i)} | ${escapeCell(i.fields.description ?? '')} |`
    )
  ].join('\n')
}

function renderOutputs(outputs: Entry[]): string {
  return [
    '| Output | Description |',
    '| --- | --- |',
    ...outputs.map(o => `| \`${o.name}\` | ${escapeCell(o.fields.description ?? '')} |`)
  ].join('\n')
}

function section(readme: string, name: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} ... ${end} markers`)
  return readme.slice(from + start.length, to)
}

/** Table body rows as trimmed cells; `\|` stays inside its cell. Prettier padding is ignored. */
function tableRows(markdown: string): string[][] {
  const rows = markdown
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.startsWith('|'))
    .map(line =>
      line
        .slice(1, line.endsWith('|') && !line.endsWith('\\|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map(cell => cell.trim())
    )
  // Drop the header and the --- separator.
  return rows.filter((cells, index) => index > 0 && !cells.every(c => /^:?-+:?$/.test(c)))
}

const unticked = (cell: string): string => cell.replace(/^`(.*)`$/, '$1')

const action = parseActionSections(read('action.yml'))
const readme = read('README.md')

describe('action.yml as parsed for the README', () => {
  it('has the inputs and outputs the code knows', () => {
    expect(action.inputs.length).toBeGreaterThan(20)
    expect(action.inputs[0]).toEqual({
      name: 'tenant-id',
      fields: expect.objectContaining({ required: 'true' })
    })
    expect(action.outputs.map(o => o.name)).toContain('row-counts')
    for (const entry of [...action.inputs, ...action.outputs]) {
      expect(entry.fields.description ?? '').not.toBe('')
    }
  })
})

describe('README input and output tables match action.yml', () => {
  const inputRows = tableRows(section(readme, 'action-inputs'))
  const outputRows = tableRows(section(readme, 'action-outputs'))
  const expectedInputs = renderInputs(action.inputs)
  const expectedOutputs = renderOutputs(action.outputs)
  /** Runs an assertion; on failure appends the table generated from action.yml to the message. */
  const withPasteHint = (table: string, assertion: () => void): void => {
    try {
      assertion()
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n\nGenerated from action.yml (paste into README.md):\n\n${table}\n`
      }
      throw error
    }
  }

  it('lists the same inputs in the same order', () => {
    withPasteHint(expectedInputs, () =>
      expect(inputRows.map(cells => unticked(cells[0]))).toEqual(action.inputs.map(i => i.name))
    )
  })

  it('gives each input the same default (or marks it required)', () => {
    const actual = inputRows.map(cells => [unticked(cells[0]), cells[1]])
    const expected = action.inputs.map(i => [i.name, defaultCell(i)])
    withPasteHint(expectedInputs, () => expect(actual).toEqual(expected))
  })

  it('gives each input the description from action.yml', () => {
    const actual = inputRows.map(cells => [unticked(cells[0]), cells[2]])
    const expected = action.inputs.map(i => [i.name, escapeCell(i.fields.description ?? '')])
    withPasteHint(expectedInputs, () => expect(actual).toEqual(expected))
  })

  it('lists the same outputs in the same order with their descriptions', () => {
    const actual = outputRows.map(cells => [unticked(cells[0]), cells[1]])
    const expected = action.outputs.map(o => [o.name, escapeCell(o.fields.description ?? '')])
    withPasteHint(expectedOutputs, () => expect(actual).toEqual(expected))
  })
})

// ---------------------------------------------------------------------------
// Workflows shown to users only use what exists.

interface ActionStep {
  source: string
  line: number
  withKeys: string[]
  id?: string
}

/** Steps that run this action (`uses: ./` or `uses: <owner>/entra-log-export@ref`) and their `with:` keys. */
function actionSteps(source: string, text: string): ActionStep[] {
  const lines = text.split(/\r?\n/)
  const indentOf = (line: string): number => line.search(/\S/)
  const blank = (line: string): boolean => line.trim() === '' || line.trim().startsWith('#')
  const steps: ActionStep[] = []
  for (let i = 0; i < lines.length; i++) {
    const uses =
      /^(\s*)(-\s+)?uses:\s*['"]?(\.\/?|[^\s'"]*\/entra-log-export@[^\s'"]+)['"]?\s*$/.exec(
        lines[i]
      )
    if (uses === null) continue
    // The step's keys start where `uses:` starts (after the `- ` when it opens the step).
    const keyIndent = uses[1].length + (uses[2]?.length ?? 0)
    const opensStep = (line: string): boolean => new RegExp(`^\\s{${keyIndent - 2}}-\\s`).test(line)
    let first = i
    while (first > 0 && !opensStep(lines[first])) first--
    let last = i
    while (
      last + 1 < lines.length &&
      (blank(lines[last + 1]) || indentOf(lines[last + 1]) >= keyIndent)
    ) {
      last++
    }
    const step: ActionStep = { source, line: i + 1, withKeys: [] }
    let inWith = false
    let withKeyIndent: number | undefined
    for (let j = first; j <= last; j++) {
      if (blank(lines[j])) continue
      const line = j === first ? lines[j].replace(/^(\s*)-\s/, '$1  ') : lines[j]
      const indent = indentOf(line)
      const key = /^\s*([\w-]+):/.exec(line)?.[1]
      if (indent === keyIndent) {
        inWith = key === 'with'
        withKeyIndent = undefined
        if (key === 'id') step.id = parseScalar(line.slice(line.indexOf(':') + 1))
      } else if (inWith && indent > keyIndent) {
        withKeyIndent ??= indent
        if (indent === withKeyIndent && key !== undefined) step.withKeys.push(key)
      }
    }
    steps.push(step)
  }
  return steps
}

function yamlBlocksOfReadme(): string[] {
  return [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map(m => m[1])
}

function shownWorkflows(): { source: string; text: string }[] {
  const dirs = ['examples', '.github/workflows']
  const files = dirs.flatMap(dir =>
    readdirSync(join(ROOT, dir))
      .filter(name => /\.ya?ml$/.test(name))
      .map(name => ({ source: `${dir}/${name}`, text: read(`${dir}/${name}`) }))
  )
  return [
    ...files,
    ...yamlBlocksOfReadme().map((text, n) => ({ source: `README.md yaml block ${n + 1}`, text }))
  ]
}

describe('workflows in examples/, .github/workflows/ and the README', () => {
  const inputs = new Set(action.inputs.map(i => i.name))
  const outputs = new Set(action.outputs.map(o => o.name))
  const workflows = shownWorkflows()

  it('exist, and each example runs the action', () => {
    const examples = workflows.filter(w => w.source.startsWith('examples/'))
    expect(examples.map(w => w.source).sort()).toEqual(
      expect.arrayContaining([
        'examples/attested-export.yml',
        'examples/daily-export.yml',
        'examples/multi-tenant.yml',
        'examples/retain-in-azure-storage.yml',
        'examples/secret-auth-alerting.yml',
        'examples/snapshot.yml'
      ])
    )
    for (const example of examples) {
      expect([example.source, actionSteps(example.source, example.text).length > 0]).toEqual([
        example.source,
        true
      ])
    }
  })

  it('pass only inputs that action.yml declares, and always the required ones', () => {
    const problems: string[] = []
    for (const { source, text } of workflows) {
      for (const step of actionSteps(source, text)) {
        for (const key of step.withKeys) {
          if (!inputs.has(key)) problems.push(`${source}:${step.line}: unknown input '${key}'`)
        }
        for (const required of action.inputs.filter(i => i.fields.required === 'true')) {
          if (!step.withKeys.includes(required.name)) {
            problems.push(`${source}:${step.line}: missing required input '${required.name}'`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('read only outputs that action.yml declares', () => {
    const problems: string[] = []
    for (const { source, text } of workflows) {
      const ids = new Set(actionSteps(source, text).flatMap(s => (s.id ? [s.id] : [])))
      for (const match of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (ids.has(match[1]) && !outputs.has(match[2])) {
          problems.push(`${source}: unknown output '${match[2]}' of step '${match[1]}'`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})

describe('README content a newcomer relies on', () => {
  it('gives the two fresh-clone commands', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toMatch(/^npm test\b/m)
  })

  it('documents every log type with its endpoint and version', () => {
    const table = section(readme, 'log-types')
    for (const name of LOG_TYPES) {
      const spec = LOG_TYPE_SPECS[name]
      const row = tableRows(table).find(cells => unticked(cells[0]) === name)
      expect({ name, row: row?.join(' | ') }).toEqual({
        name,
        row: expect.stringContaining(`/${spec.version}${spec.path}`)
      })
    }
  })

  it("lists each log type's clouds as the API reference's national-cloud table (LOG_TYPE_SPECS.clouds)", () => {
    const table = section(readme, 'log-types')
    for (const name of LOG_TYPES) {
      const row = tableRows(table).find(cells => unticked(cells[0]) === name)!
      expect({ name, clouds: row.at(-1)?.trim() }).toEqual({
        name,
        clouds: LOG_TYPE_SPECS[name].clouds.join(', ')
      })
    }
  })

  it('grants both permissions the API reference lists in every setup path', () => {
    // Quick start, the az commands (Directory.Read.All's role id on the permission add line) and the portal steps.
    expect(readme).toMatch(
      /1\. Create an app registration with the `AuditLog.Read.All` and `Directory.Read.All`/
    )
    expect(readme).toMatch(
      /--api-permissions b0afded3-3588-46d8-8b3d-9842eff778da=Role 7ab1d382-f21e-4acd-a863-ba3e13f7da61=Role/
    )
    expect(readme).toMatch(/AuditLog\.Read\.All\*\* and\s+\*\*Directory\.Read\.All\*\*/)
    expect(readme).not.toMatch(/optional: Directory\.Read\.All/)
  })

  it('explains each error code users meet', () => {
    for (const code of [
      'AADSTS7000215',
      'AADSTS7000222',
      'AADSTS90002',
      'AADSTS700016',
      'AADSTS70021',
      'AADSTS700213',
      'AADSTS700024',
      'AADSTS700027',
      'AADSTS65001',
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      'Authentication_MSGraphPermissionMissing',
      '429',
      'Invalid filter clause',
      'Minimum allowed time for',
      'Resource not found for the segment'
    ]) {
      expect(readme).toContain(code)
    }
  })

  it('keeps the performance placeholder for the benchmark figures', () => {
    expect(readme).toMatch(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/)
  })
})
