/**
 * The workflow policy (scripts/workflow-policy.mjs) that `npm run lint` applies
 * to .github/ and examples/: each rule catches what it is for, and the README's
 * YAML blocks follow it too.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
// @ts-expect-error plain JavaScript module without type declarations
import { dependabotProblems, policyProblems } from '../../scripts/workflow-policy.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const policy = policyProblems as (text: string) => string[]
const dependabot = dependabotProblems as (text: string) => string[]

const CHECKOUT = 'actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09 # v5.1.0'

function workflow(steps: string): string {
  return [
    'name: t',
    'on: push',
    'jobs:',
    '  j:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...steps.split('\n').map(line => (line ? `      ${line}` : line))
  ].join('\n')
}

describe('workflow policy', () => {
  it('accepts a pinned checkout without credentials and outputs passed through env:', () => {
    const text = workflow(
      [
        `- uses: ${CHECKOUT}`,
        '  with:',
        '    persist-credentials: false',
        '- id: export',
        '  uses: <owner>/entra-log-export@v1',
        '- env:',
        '    ROWS: ${{ steps.export.outputs.row-counts }}',
        '  run: |',
        '    echo "$ROWS"',
        '- uses: ./'
      ].join('\n')
    )
    expect(policy(text)).toEqual([])
  })

  it('rejects ${{ }} inside a run: script, inline or in a block', () => {
    const inline = workflow('- run: echo "${{ steps.x.outputs.y }}"')
    expect(policy(inline)).toEqual([expect.stringMatching(/^line 7: .*inside run:/)])
    const block = workflow(
      [
        '- name: Report',
        '  run: |',
        '    echo one',
        '    echo "${{ github.event.issue.title }}"'
      ].join('\n')
    )
    expect(policy(block)).toEqual([expect.stringMatching(/^line 10: .*inside run:/)])
  })

  it('rejects a checkout that keeps its credentials', () => {
    const text = workflow([`- uses: ${CHECKOUT}`, '  with:', '    fetch-depth: 0'].join('\n'))
    expect(policy(text)).toEqual([expect.stringMatching(/persist-credentials: false/)])
  })

  it('rejects actions pinned to a tag or a SHA without its version comment', () => {
    const tag = workflow(
      '- uses: actions/setup-node@v5\n- uses: azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca'
    )
    expect(policy(tag)).toEqual([
      expect.stringMatching(/actions\/setup-node@v5 is not pinned to a full commit SHA/),
      expect.stringMatching(/lacks its '# vX.Y.Z' version comment/)
    ])
  })

  it('wants a cooldown on every Dependabot update entry', () => {
    const ok = [
      'version: 2',
      'updates:',
      '  - package-ecosystem: npm',
      '    cooldown:',
      '      default-days: 7'
    ].join('\n')
    expect(dependabot(ok)).toEqual([])
    expect(dependabot(ok.replace('default-days: 7', 'default-days: 0'))).toEqual([
      'npm: cooldown default-days 0 is not 1..90'
    ])
    expect(dependabot(`${ok}\n  - package-ecosystem: github-actions\n    directory: /`)).toEqual([
      "github-actions: no 'cooldown: default-days'"
    ])
  })

  it('reads YAML, not lines: flow style and quoted keys neither hide a step nor fail a good one', () => {
    const hidden = workflow(
      [
        '- { uses: actions/setup-node@v5 }',
        '- "run": echo "${{ github.head_ref }}"',
        `- { uses: "${CHECKOUT.split(' ')[0]}" }`
      ].join('\n')
    )
    expect(policy(hidden)).toEqual([
      expect.stringMatching(/^line 7: actions\/setup-node@v5 is not pinned/),
      expect.stringMatching(/^line 8: .*inside run:/),
      // A flow-style step has no room for the version comment, and the checkout keeps credentials.
      expect.stringMatching(/^line 9: .*lacks its '# vX.Y.Z' version comment/),
      expect.stringMatching(/^line 9: actions\/checkout without 'persist-credentials: false'/)
    ])
    const flowWith = workflow(`- uses: ${CHECKOUT}\n  with: { persist-credentials: false }`)
    expect(policy(flowWith)).toEqual([])
    expect(policy('jobs: [unclosed')).toEqual([expect.stringMatching(/^line \d+: /)])
    const flowCooldown =
      'version: 2\nupdates:\n  - { package-ecosystem: npm, cooldown: { default-days: 7 } }'
    expect(dependabot(flowCooldown)).toEqual([])
  })

  it('holds for every YAML block of the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const blocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map(m => m[1])
    expect(blocks.length).toBeGreaterThan(3)
    const problems = blocks.flatMap((text, n) => policy(text).map(p => `block ${n + 1}: ${p}`))
    expect(problems).toEqual([])
  })

  it('makes npm run lint fail on a file that breaks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'))
    try {
      const file = join(dir, 'bad.yml')
      writeFileSync(file, workflow('- run: echo "${{ github.head_ref }}"'))
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts/lint-workflows.mjs'), file], {
        encoding: 'utf8'
      })
      expect(run.status).toBe(1)
      expect(run.stderr).toMatch(/FAIL .*bad\.yml \(policy\)/)
      expect(run.stderr).toMatch(/inside run:/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the evidence examples', () => {
  interface Step {
    id?: string
    uses?: string
    run?: string
    with?: Record<string, unknown>
  }
  const read = (name: string): { permissions: Record<string, string>; steps: Step[] } => {
    const workflow = parse(readFileSync(join(ROOT, 'examples', name), 'utf8')) as {
      permissions: Record<string, string>
      jobs: Record<string, { steps: Step[] }>
    }
    return {
      permissions: workflow.permissions,
      steps: Object.values(workflow.jobs).flatMap(job => job.steps)
    }
  }
  const stepUsing = (steps: Step[], action: RegExp): Step =>
    steps.find(step => action.test(step.uses ?? '')) ?? {}

  it('attests every file listed in SHA256SUMS with the permissions attestation needs', () => {
    const { permissions, steps } = read('attested-export.yml')
    expect(permissions).toEqual(
      expect.objectContaining({ 'id-token': 'write', attestations: 'write' })
    )
    const attest = stepUsing(steps, /^actions\/attest-build-provenance@[0-9a-f]{40}$/)
    expect(attest.with).toEqual({
      'subject-checksums': '${{ steps.export.outputs.checksums }}'
    })
    expect(steps.find(step => step.id === 'export')?.uses).toMatch(/\/entra-log-export@/)
  })

  it('copies to the container under a dated path with OIDC and checks the copy', () => {
    const { permissions, steps } = read('retain-in-azure-storage.yml')
    expect(permissions['id-token']).toBe('write')
    const login = stepUsing(steps, /^azure\/login@[0-9a-f]{40}$/)
    expect(Object.keys(login.with ?? {})).toEqual(
      expect.arrayContaining(['client-id', 'tenant-id'])
    )
    // Keyless: no secret or credentials JSON reaches the login step.
    expect(
      Object.keys(login.with ?? {}).filter(key => /^(client-secret|creds)$/.test(key))
    ).toEqual([])
    const copy = steps.find(step => /az storage blob upload-batch/.test(step.run ?? ''))?.run ?? ''
    expect(copy).toMatch(/--auth-mode login/)
    expect(copy).toMatch(/--destination-path "\$dest"/)
    expect(copy).toMatch(/date -u -d "\$WINDOW_START" \+%Y\/%m\/%d/)
    expect(copy).toMatch(/sha256sum --check --strict SHA256SUMS/)
  })
})
