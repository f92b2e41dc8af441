/**
 * The one function through which text reaches the runner's log.
 *
 * The runner reads every stdout line as a possible workflow command: a line
 * whose start (after leading whitespace) is `::` (`::error::`, `::add-mask::`,
 * `::stop-commands::`), and the older `##[command]` form anywhere in a line.
 * @actions/core escapes CR, LF and % in the data of the commands it issues
 * (debug, warning, error, notice, group) but `core.info` writes text as it is,
 * so one newline in a Graph error message would start a line of its own.
 * See https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 * ("Stopping and starting workflow commands" explains why an attacker wants
 * `::stop-commands::`: every later `::add-mask::` would be ignored).
 */

/** Line breaks of every kind the runner or a log viewer may split on. */
const BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g
/** Other control characters (ESC for terminal colours, NUL, ...); tab stays. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g
/** Whitespace the runner trims before looking for `::` (and format characters it may not render). */
const LEADING_COMMAND = /^([\s\u200b-\u200d\u2060\ufeff]*):(?=:)/
const V1_COMMAND = /##\[/g

/**
 * Outside text (Graph messages, links, record fields, input values, file names)
 * made one harmless line: each line break shows as `\n` or `\r`, other control
 * characters as `\u00XX`, and command syntax loses its meaning (a leading `::`
 * becomes `%3A:`, `##[` becomes `#%23[`, the runner's own escape spelling).
 * Idempotent, so text escaped at its source can pass the log boundary again.
 */
export function safeLogText(text: string): string {
  return defuseLine(
    String(text)
      .replace(BREAK, match => (match === '\r' ? '\\r' : match === '\r\n' ? '\\r\\n' : '\\n'))
      .replace(CONTROL, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  )
}

/**
 * A message of the action's own, possibly several lines: the line structure is
 * kept (a CR alone, or Unicode breaks, do not count as one) and each line is
 * made harmless as above. This is what the log boundary applies to everything.
 */
export function safeLogMessage(message: string): string {
  return String(message).split(/\r?\n/).map(safeLogText).join('\n')
}

function defuseLine(line: string): string {
  return line.replace(LEADING_COMMAND, '$1%3A').replace(V1_COMMAND, '#%23[')
}
