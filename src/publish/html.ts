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
