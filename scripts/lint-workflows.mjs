#!/usr/bin/env node
/**
 * Validates action.yml, every workflow under .github/workflows/ and every example
 * workflow under examples/ with action-validator (the GitHub Actions JSON schemas
 * compiled to WebAssembly, shipped inside the npm package: nothing is downloaded).
 *
 *   node scripts/lint-workflows.mjs [file ...]
 *
 * Also applies the policy in workflow-policy.mjs to workflows and examples (no
 * `${{ }}` in run:, checkout without persisted credentials, actions pinned by
 * SHA) and checks .github/dependabot.yml has a cooldown.
 *
 * Part of `npm run lint`. Exits 1 and prints each problem with its file when any
 * file fails.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { dependabotProblems, policyProblems } from './workflow-policy.mjs'

const require = createRequire(import.meta.url)
// CommonJS wasm-bindgen output; loading it compiles the schema validator once.
const validator = require('@action-validator/core')

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))

function yamlFilesIn(dir) {
  const full = join(root, dir)
  if (!existsSync(full)) return []
  return readdirSync(full)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => join(full, name))
}

const files =
  process.argv.length > 2
    ? process.argv.slice(2).map(file => resolve(file))
    : [
        join(root, 'action.yml'),
        join(root, '.github/dependabot.yml'),
        ...yamlFilesIn('.github/workflows'),
        ...yamlFilesIn('examples')
      ]

/**
 * action-validator 0.6.0 bundles a SchemaStore action schema from before GitHub
 * added the node24 runtime (2025), so it rejects `using: node24` although the
 * runner accepts it. Validate with the newest runtime the schema knows instead;
 * everything else in the file is checked as written.
 */
function forActionSchema(text) {
  return text.replace(/^(\s+using:\s*)(['"]?)node24\2\s*$/m, '$1$2node20$2')
}

/**
 * The same bundled workflow schema predates the `attestations` permission that
 * actions/attest-build-provenance needs (`attestations: write`, documented in
 * its README with `id-token: write`). Such a line with a valid level (read,
 * write, none) becomes a comment for the schema; any other value is left for
 * the schema to reject.
 */
const NEWER_PERMISSIONS = ['attestations']
function forWorkflowSchema(text) {
  const keys = NEWER_PERMISSIONS.join('|')
  return text.replace(
    new RegExp(`^(\\s+)(${keys}):\\s*(['"]?)(read|write|none)\\3\\s*(#.*)?$`, 'gm'),
    '$1# $2: $4 (newer than the bundled schema; checked by lint-workflows.mjs)'
  )
}

/** Flattens action-validator's nested oneOf states into readable lines. */
function describe(errors, indent = '  ') {
  const lines = []
  for (const error of errors) {
    const where = error.path ?? (error.location ? `line ${error.location.line}` : '')
    lines.push(
      `${indent}${where ? `${where}: ` : ''}${error.title}${error.detail ? ` (${error.detail})` : ''}`
    )
    for (const [i, state] of (error.states ?? []).entries()) {
      lines.push(`${indent}  alternative ${i + 1}:`)
      lines.push(...describe(state.errors, `${indent}    `))
    }
  }
  return lines
}

let failed = 0
for (const file of files) {
  const name = relative(root, file) || file
  const text = readFileSync(file, 'utf8')
  const isAction = /(^|[\\/])action\.ya?ml$/.test(file)
  if (/(^|[\\/])dependabot\.ya?ml$/.test(file)) {
    const problems = dependabotProblems(text)
    if (problems.length === 0) {
      console.log(`ok   ${name} (dependabot)`)
    } else {
      failed++
      console.error(`FAIL ${name} (dependabot)`)
      for (const problem of problems) console.error(`  ${problem}`)
    }
    continue
  }
  const result = isAction
    ? validator.validateAction(forActionSchema(text))
    : validator.validateWorkflow(forWorkflowSchema(text))
  const policy = isAction ? [] : policyProblems(text)
  if (policy.length > 0) {
    failed++
    console.error(`FAIL ${name} (policy)`)
    for (const problem of policy) console.error(`  ${problem}`)
  }
  if (result.errors.length === 0) {
    if (policy.length > 0) continue
    console.log(`ok   ${name} (${isAction ? 'action' : 'workflow'})`)
    continue
  }
  if (policy.length === 0) failed++
  console.error(`FAIL ${name} (${isAction ? 'action' : 'workflow'})`)
  console.error(describe(result.errors).join('\n'))
}

if (failed > 0) {
  console.error(`\n${failed} of ${files.length} files failed validation.`)
  process.exit(1)
}
console.log(`${files.length} files valid.`)
