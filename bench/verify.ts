/**
 * Exactness of a benchmark export: the CSV holds every id the simulated tenant
 * has in the window, each exactly once, and nothing else. Read back from the
 * file itself (csv-parse), not from the exporter's own row count.
 */
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'

export interface Exactness {
  exact: boolean
  rows: number
  /** What went wrong, for the report under the table. */
  problems: string[]
}

/** Streams one CSV and checks its `id` column against the expected ids. */
export async function checkCsv(
  path: string,
  expected: ReadonlySet<string>,
  label: string
): Promise<Exactness> {
  const seen = new Set<string>()
  let idColumn = -1
  let rows = 0
  let unexpected = 0
  let duplicates = 0
  const parser = createReadStream(path).pipe(parse({ relax_column_count: true }))
  for await (const row of parser as AsyncIterable<string[]>) {
    if (idColumn < 0) {
      idColumn = row.indexOf('id')
      if (idColumn < 0) return { exact: false, rows: 0, problems: [`${label}: no id column`] }
      continue
    }
    rows++
    const id = row[idColumn]
    if (seen.has(id)) duplicates++
    else if (!expected.has(id)) unexpected++
    seen.add(id)
  }
  const missing = expected.size - (seen.size - unexpected)
  const problems: string[] = []
  if (rows !== expected.size) problems.push(`${label}: ${rows} rows, expected ${expected.size}`)
  if (missing > 0) problems.push(`${label}: ${missing} expected ids missing`)
  if (duplicates > 0) problems.push(`${label}: ${duplicates} duplicate rows`)
  if (unexpected > 0) problems.push(`${label}: ${unexpected} ids outside the window`)
  return { exact: problems.length === 0, rows, problems }
}
