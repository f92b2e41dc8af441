// The README is part of the contract: its input and output tables must say what
// action.yml says (names, order, required/defaults, descriptions), and every
// workflow it or examples/ shows may only use inputs and outputs that exist.
// On a mismatch the failure message carries the table to paste into README.md.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { LineCounter, isScalar, parseDocument, visit } from 'yaml'
import { LOG_TYPE_SPECS } from '../../src/log-types.js'
import { LOG_TYPES } from '../../src/settings.js'
import {
  ROOT,
  parseActionYml,
  readActionYml,
  type ActionEntry as Entry
} from '../support/action-yml.js'

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

// ---------------------------------------------------------------------------
// README tables

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|')

function defaultCell(input: Entry): string {
  if (input.required) return '**required**'
  const value = input.default ?? ''
  return value === '' ? '_(empty)_' : `\`${value}\``
}

function renderInputs(inputs: Entry[]): string {
  return [
    '| Input | Default | Description |',
    '| --- | --- | --- |',
    ...inputs.map(i => `| \`${i.name}\` | ${defaultCell(i)} | ${escapeCell(i.description)} |`)
  ].join('\n')
}

function renderOutputs(outputs: Entry[]): string {
  return [
    '| Output | Description |',
    '| --- | --- |',
    ...outputs.map(o => `| \`${o.name}\` | ${escapeCell(o.description)} |`)
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

const action = readActionYml()
const readme = read('README.md')

describe('action.yml as parsed for the README', () => {
  it('has the inputs and outputs the code knows', () => {
    expect(action.inputs.length).toBeGreaterThan(20)
    expect(action.inputs[0]).toEqual(expect.objectContaining({ name: 'tenant-id', required: true }))
    expect(action.outputs.map(o => o.name)).toContain('row-counts')
    for (const entry of [...action.inputs, ...action.outputs]) {
      expect([entry.name, entry.description.trim()]).not.toEqual([entry.name, ''])
    }
  })
})

describe('the action.yml reader (a YAML parser, not lines)', () => {
  const input = (body: string): string =>
    `name: x\ninputs:\n  a-b:\n${body}\noutputs:\n  o:\n    description: out\n`

  it('reads quoting, folding and flow style as YAML does, defaults as the runner gets them', () => {
    const parsed = parseActionYml(
      [
        'name: x',
        'inputs: { "a": { description: "say \\"hi\\"\\u0021", default: 5 },',
        "  b: { description: 'it''s # not a comment', required: true } }",
        'outputs:',
        '  o:',
        '    description: >-',
        '      one',
        '      two',
        ''
      ].join('\n')
    )
    expect(parsed).toEqual({
      inputs: [
        { name: 'a', description: 'say "hi"!', required: false, default: '5' },
        { name: 'b', description: "it's # not a comment", required: true }
      ],
      outputs: [{ name: 'o', description: 'one two', required: false }]
    })
  })

  it('fails on a duplicate key, a missing description or a non-scalar default', () => {
    expect(() => parseActionYml(input('    description: d\n  a-b:\n    description: e'))).toThrow(
      'Map keys must be unique'
    )
    expect(() => parseActionYml(input('    required: false'))).toThrow('inputs.a-b.description')
    expect(() => parseActionYml(input('    description: d\n    default: [1]'))).toThrow(
      'inputs.a-b.default'
    )
    expect(() => parseActionYml(input('    description: d\n    required: yes'))).toThrow(
      'inputs.a-b.required'
    )
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
    const expected = action.inputs.map(i => [i.name, escapeCell(i.description)])
    withPasteHint(expectedInputs, () => expect(actual).toEqual(expected))
  })

  it('lists the same outputs in the same order with their descriptions', () => {
    const actual = outputRows.map(cells => [unticked(cells[0]), cells[1]])
    const expected = action.outputs.map(o => [o.name, escapeCell(o.description)])
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

const THIS_ACTION = /^(\.\/?|[^\s/]+\/entra-log-export@\S+)$/

/**
 * Steps that run this action (`uses: ./` or `uses: <owner>/entra-log-export@ref`) and their
 * `with:` keys, wherever they sit in the document (a workflow's jobs or a README fragment).
 */
function actionSteps(source: string, text: string): ActionStep[] {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  if (doc.errors.length > 0) {
    throw new Error(`${source} is not valid YAML: ${doc.errors.map(e => e.message).join('; ')}`)
  }
  const steps: ActionStep[] = []
  visit(doc, {
    Map(_, node) {
      const uses = node.get('uses', true)
      if (!isScalar(uses) || typeof uses.value !== 'string') return
      if (!THIS_ACTION.test(uses.value.trim())) return
      const withMap: unknown = node.toJSON().with
      const id: unknown = node.get('id')
      steps.push({
        source,
        line: uses.range ? lines.linePos(uses.range[0]).line : 0,
        withKeys: withMap !== null && typeof withMap === 'object' ? Object.keys(withMap) : [],
        ...(typeof id === 'string' ? { id } : {})
      })
    }
  })
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
        for (const required of action.inputs.filter(i => i.required)) {
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
