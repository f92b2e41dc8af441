/**
 * What the runner would take as a workflow command in a step's output, and
 * which of those the action did not mean: the runner reads a line whose start
 * (after whitespace) is `::`, and the older `##[` form anywhere in a line.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */

/** Commands the action issues itself (through @actions/core), data escaped by core. */
const OWN = /^::(debug|warning|error|notice|group|endgroup|add-mask)(::| [^:]*::)/

/**
 * Lines of stdout that are commands the action did not issue, or that carry
 * `marker` (text planted by a test) in a command's name or properties, or as a
 * mask: planted text may be printed as data, never as a command.
 */
export function forgedCommands(stdout: string, marker = 'PWNED'): string[] {
  return stdout.split(/\r\n|\r|\n/).filter(raw => {
    const line = raw.replace(/^[\s\ufeff\u200b]+/, '')
    if (raw.includes('##[')) return true
    if (!line.startsWith('::')) return false
    const own = OWN.exec(line)
    if (!own) return true
    if (own[1] === 'add-mask' && line.includes(marker)) return true
    return own[2].includes(marker)
  })
}
