/**
 * Policy checks for our workflows and examples beyond what the GitHub Actions
 * schema checks; used by scripts/lint-workflows.mjs and by the docs tests (for
 * the README's YAML blocks). Pure functions of the file's text.
 */

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
 * The workflows are ours and schema-valid, so a line-based reading is enough:
 * a key's block ends at the first non-blank line indented no deeper than it.
 */
export function policyProblems(text) {
  const lines = text.split(/\r?\n/)
  const problems = []
  const indentOf = line => line.search(/\S/)
  /** Index of the last line of the block scalar or mapping that starts at `i`. */
  const blockEnd = (i, indent) => {
    let last = i
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j].trim() === '') continue
      if (indentOf(lines[j]) <= indent) break
      last = j
    }
    return last
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\s*#/.test(line)) continue
    const run = /^(\s*)(-\s+)?run:\s*(.*)$/.exec(line)
    if (run) {
      const keyIndent = run[1].length + (run[2]?.length ?? 0)
      const last = blockEnd(i, keyIndent)
      for (let j = i; j <= last; j++) {
        const text = j === i ? run[3] : lines[j]
        if (text.includes('${{')) {
          problems.push(
            `line ${j + 1}: \${{ }} inside run: (pass the value through env: and read "$NAME")`
          )
        }
      }
    }
    const uses = /^(\s*)(-\s+)?uses:\s*(['"]?)([^\s'"#]+)\3\s*(#.*)?$/.exec(line)
    if (uses) {
      const target = uses[4]
      const comment = uses[5] ?? ''
      if (target.startsWith('./') || target === '.' || target.startsWith('docker://')) continue
      if (/^[^/]+\/entra-log-export@v\d+$/.test(target)) continue
      if (!/@[0-9a-f]{40}$/.test(target)) {
        problems.push(`line ${i + 1}: ${target} is not pinned to a full commit SHA`)
      } else if (!/^#\s*v\d+\.\d+\.\d+\b/.test(comment)) {
        problems.push(`line ${i + 1}: ${target} lacks its '# vX.Y.Z' version comment`)
      }
      if (/^actions\/checkout@/.test(target)) {
        // The step's keys: from its `- ` line to the end of the step.
        const stepIndent = uses[2] ? uses[1].length : uses[1].length - 2
        let first = i
        while (first > 0 && !new RegExp(`^\\s{${stepIndent}}-\\s`).test(lines[first])) first--
        const last = blockEnd(first, stepIndent)
        const step = lines.slice(first, last + 1).join('\n')
        if (!/^\s+persist-credentials:\s*(['"]?)false\1\s*(#.*)?$/m.test(step)) {
          problems.push(`line ${i + 1}: actions/checkout without 'persist-credentials: false'`)
        }
      }
    }
  }
  return problems
}

/**
 * Dependabot: every update entry waits `cooldown: default-days` before it
 * proposes a release, so a compromised version has time to be caught (GitHub
 * docs, dependabot-options-reference#cooldown: 1 to 90 days).
 */
export function dependabotProblems(text) {
  const entries = text.split(/^\s*-\s+package-ecosystem:/m).slice(1)
  if (entries.length === 0) return ['no update entries']
  return entries.flatMap(entry => {
    const ecosystem = entry.split('\n')[0].trim()
    const days = /^\s+cooldown:\s*\n\s+default-days:\s*(\d+)\s*$/m.exec(entry)?.[1]
    if (days === undefined) return [`${ecosystem}: no 'cooldown: default-days'`]
    const n = Number(days)
    return n >= 1 && n <= 90 ? [] : [`${ecosystem}: cooldown default-days ${n} is not 1..90`]
  })
}
