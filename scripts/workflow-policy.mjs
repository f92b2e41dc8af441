/**
 * Policy checks for our workflows and examples beyond what the GitHub Actions
 * schema checks; used by scripts/lint-workflows.mjs and by the docs tests (for
 * the README's YAML blocks). Pure functions of the file's text.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml'

/**
 * Rules the schema cannot express, from zizmor's audits (template-injection,
 * artipacked, unpinned-uses): each returns `line N: problem` strings.
 *
 * - No `${{ }}` inside a `run:` script. The runner pastes the expression's value
 *   into the script text before the shell reads it, so a value with quotes or
 *   `$(...)` becomes shell code (and JSON outputs lose their quotes). Pass it
 *   through `env:` and read `"$NAME"` instead.
 * - `persist-credentials: false` on every actions/checkout: otherwise the
 *   GITHUB_TOKEN stays in .git/config for every later step (and any artifact
 *   that includes the workspace).
 * - Every action from another repository pinned by full commit SHA with a
 *   `# vX.Y.Z` comment (the form Dependabot updates). A tag can be moved to
 *   other code; a SHA cannot. The one exception is this action itself in
 *   examples/ (`<owner>/entra-log-export@v1`), which shows users the usage.
 *
 * The text is read with a YAML parser (`yaml`), so quoting, flow style and
 * comments cannot hide a step from these rules; text that is not valid YAML is
 * itself a problem.
 */
export function policyProblems(text) {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  if (doc.errors.length > 0)
    return doc.errors.map(e => `line ${e.linePos?.[0].line ?? 1}: ${e.message}`)
  const lineOf = offset => lines.linePos(offset).line
  const problems = []
  visit(doc, {
    Map(_, step) {
      const run = step.get('run', true)
      if (isScalar(run) && typeof run.value === 'string' && run.range) {
        // Report each line of the script that holds an expression (as written, in the source).
        const source = text.slice(run.range[0], run.range[1])
        for (const match of source.matchAll(/\$\{\{/g)) {
          problems.push({
            line: lineOf(run.range[0] + match.index),
            text: '${{ }} inside run: (pass the value through env: and read "$NAME")'
          })
        }
      }
      const uses = step.get('uses', true)
      if (!isScalar(uses) || typeof uses.value !== 'string') return
      const target = uses.value.trim()
      const line = uses.range ? lineOf(uses.range[0]) : 1
      if (target.startsWith('./') || target === '.' || target.startsWith('docker://')) return
      if (/^[^/]+\/entra-log-export@v\d+$/.test(target)) return
      if (!/@[0-9a-f]{40}$/.test(target)) {
        problems.push({ line, text: `${target} is not pinned to a full commit SHA` })
      } else if (!/^\s*v\d+\.\d+\.\d+\b/.test(uses.comment ?? '')) {
        problems.push({ line, text: `${target} lacks its '# vX.Y.Z' version comment` })
      }
      if (/^actions\/checkout@/.test(target)) {
        const persist = step.getIn(['with', 'persist-credentials'])
        if (persist !== false && persist !== 'false') {
          problems.push({ line, text: "actions/checkout without 'persist-credentials: false'" })
        }
      }
    }
  })
  return problems.sort((a, b) => a.line - b.line).map(p => `line ${p.line}: ${p.text}`)
}

/**
 * Dependabot: every update entry waits `cooldown: default-days` before it
 * proposes a release, so a compromised version has time to be caught (GitHub
 * docs, dependabot-options-reference#cooldown: 1 to 90 days).
 */
export function dependabotProblems(text) {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) return doc.errors.map(e => e.message)
  const updates = doc.get('updates')
  const entries = isSeq(updates) ? updates.items.filter(isMap) : []
  if (entries.length === 0) return ['no update entries']
  return entries.flatMap(entry => {
    const ecosystem = String(entry.get('package-ecosystem') ?? '(no package-ecosystem)')
    const days = entry.getIn(['cooldown', 'default-days'])
    if (days === undefined || days === null) return [`${ecosystem}: no 'cooldown: default-days'`]
    const n = Number(days)
    return Number.isInteger(n) && n >= 1 && n <= 90
      ? []
      : [`${ecosystem}: cooldown default-days ${days} is not 1..90`]
  })
}
