/**
 * Renders the summary's markdown the way a GFM renderer reads it, without new
 * packages: prettier's markdown plugin (remark, with GFM tables) gives the tree,
 * and a small printer turns it into HTML for assertions and for looking at.
 */
import { parsers } from 'prettier/plugins/markdown'

export interface MdNode {
  type: string
  value?: string
  depth?: number
  ordered?: boolean
  url?: string
  children?: MdNode[]
}

export async function parseMarkdown(markdown: string): Promise<MdNode> {
  return (await parsers.markdown.parse(markdown, {} as never)) as MdNode
}

export function nodes(root: MdNode, type: string): MdNode[] {
  const found: MdNode[] = []
  const visit = (node: MdNode): void => {
    if (node.type === type) found.push(node)
    node.children?.forEach(visit)
  }
  visit(root)
  return found
}

/** The text a reader sees in a node (entities decoded, inline HTML tags dropped). */
export function textOf(node: MdNode): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value ?? ''
  return (node.children ?? []).map(textOf).join('')
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** HTML for the node kinds a summary may contain; any other kind is a test failure. */
export function toHtml(node: MdNode): string {
  const inner = (): string => (node.children ?? []).map(toHtml).join('')
  switch (node.type) {
    case 'root':
      return inner()
    case 'heading':
      return `<h${node.depth}>${inner()}</h${node.depth}>\n`
    case 'paragraph':
      return `<p>${inner()}</p>\n`
    case 'list':
      return node.ordered ? `<ol>\n${inner()}</ol>\n` : `<ul>\n${inner()}</ul>\n`
    case 'listItem':
      return `<li>${inner()}</li>\n`
    case 'blockquote':
      return `<blockquote>\n${inner()}</blockquote>\n`
    case 'strong':
      return `<strong>${inner()}</strong>`
    case 'emphasis':
      return `<em>${inner()}</em>`
    case 'delete':
      return `<del>${inner()}</del>`
    case 'inlineCode':
      return `<code>${esc(node.value ?? '')}</code>`
    case 'link':
      return `<a href="${esc(node.url ?? '')}">${inner()}</a>`
    case 'html':
      return node.value ?? ''
    case 'text':
      return esc(node.value ?? '')
    case 'table':
      return `<table>\n${(node.children ?? [])
        .map((row, i) => `<tr>${(row.children ?? []).map(c => cell(c, i === 0)).join('')}</tr>\n`)
        .join('')}</table>\n`
    default:
      throw new Error(`Unexpected markdown node '${node.type}' in the summary`)
  }
}

function cell(node: MdNode, header: boolean): string {
  const tag = header ? 'th' : 'td'
  return `<${tag}>${(node.children ?? []).map(toHtml).join('')}</${tag}>`
}

/**
 * Source-level check that no cell text broke a row: in every table, each row
 * has as many unescaped pipes as its header line.
 */
export function pipeCountsMatch(markdown: string): string[] {
  const problems: string[] = []
  let header: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined
      continue
    }
    const pipes = (line.match(/(?<!\\)\|/g) ?? []).length
    if (header === undefined) header = pipes
    else if (pipes !== header) problems.push(`${pipes} pipes, header has ${header}: ${line}`)
  }
  return problems
}

/** Structure every summary must have, whatever went wrong. */
export async function wellFormed(markdown: string): Promise<MdNode> {
  expect(pipeCountsMatch(markdown)).toEqual([])
  const root = await parseMarkdown(markdown)
  for (const table of nodes(root, 'table')) {
    const widths = (table.children ?? []).map(row => row.children?.length)
    expect(new Set(widths).size).toBe(1)
  }
  // Tenant text must never turn into links, images or formatting.
  expect(nodes(root, 'link')).toEqual([])
  expect(nodes(root, 'image')).toEqual([])
  for (const n of [
    ...nodes(root, 'strong'),
    ...nodes(root, 'emphasis'),
    ...nodes(root, 'delete')
  ]) {
    expect(textOf(n)).not.toMatch(/bold|pipe|onerror|\|</)
  }
  const allowed = /^<\/?(code|br|a( href="https:\/\/github\.com\/[^"]*")?)>$/
  for (const html of nodes(root, 'html')) expect(html.value).toMatch(allowed)
  toHtml(root) // throws on any node kind a summary should not contain
  return root
}
