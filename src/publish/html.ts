/**
 * Escape tenant-controlled text for the step summary: core.summary does not,
 * and display names can hold HTML, markdown and table pipes.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/[\r\n]+/g, ' ')
}

/**
 * What GitHub-flavoured markdown and HTML give meaning to inside a line: tags
 * and entities (< > & " '), table cells (|), emphasis and strikethrough (* _ ~),
 * code (`), links and images ([ ]), escapes (\\), headings and issue refs (#),
 * math ($), emoji shortcodes and URL autolinks (:), mentions (@), and the
 * `www.` that starts an autolink. A numeric character reference is literal text
 * in CommonMark (`&#42;bold&#42;` shows `*bold*`, never bold), and HTML decodes
 * it to the same character, so one pass of references covers both.
 */
const SPECIAL = /www\.|[<>&"'|*_~`[\]\\#$:@]/gi

/** Line breaks of every kind; other control characters become spaces. */
const BREAK = /\r\n|[\r\n\u2028\u2029\u0085]/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g

export interface InlineOptions {
  /** Cut longer text to this many characters (before escaping) and mark the cut with '…'. */
  maxChars?: number
  /** Keep line breaks as <br> (multi-line error messages) instead of spaces. */
  breaks?: 'space' | 'br'
}

/**
 * Tenant text made safe for one line of markdown, a table cell or an HTML
 * element: it renders as the same characters and nothing else — no tags, no
 * formatting, no links, no broken table rows.
 */
export function escapeInline(text: string, options: InlineOptions = {}): string {
  const lines = clipChars(text, options.maxChars).split(BREAK)
  return options.breaks === 'br' ? lines.map(escapeLine).join('<br>') : escapeLine(lines.join(' '))
}

function escapeLine(line: string): string {
  return line
    .replace(CONTROL, ' ')
    .replace(SPECIAL, match =>
      match.length > 1 ? `${match.slice(0, 3)}&#46;` : `&#${match.charCodeAt(0)};`
    )
}

/** Cut before escaping so an entity is never split; count code points, not halves of emoji. */
export function clipChars(text: string, max: number | undefined): string {
  if (max === undefined || text.length <= max) return text
  const chars = Array.from(text)
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text
}
