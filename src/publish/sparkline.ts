/**
 * Unicode block sparklines: plain text, so they render in job summaries, logs
 * and e-mail alike (a chart image or Mermaid block would not everywhere).
 */
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/**
 * One block per value, scaled from 0 to the largest value so that an empty
 * bucket is always the lowest block and equal heights mean equal volume
 * (scaling from the minimum would make a flat busy line look like silence).
 */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values)
  if (max === 0) return BLOCKS[0].repeat(values.length)
  return values
    .map(value => {
      if (value <= 0) return BLOCKS[0]
      // Any non-zero bucket shows at least the second block, so activity is never invisible.
      const level = Math.ceil((value / max) * (BLOCKS.length - 1))
      return BLOCKS[Math.min(Math.max(level, 1), BLOCKS.length - 1)]
    })
    .join('')
}
