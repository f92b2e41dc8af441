/**
 * SHA256SUMS: the sha256 of every exported file and of manifest.json, in the
 * format GNU coreutils' `sha256sum -c` reads, so an auditor can check a
 * downloaded artifact with a stock tool and no knowledge of our manifest. The
 * same file is what `actions/attest-build-provenance` takes as
 * `subject-checksums` (one subject per line).
 *
 * Format (coreutils manual, "md5sum invocation", which sha256sum shares): one
 * line per file, the lower-case hex digest, two spaces (the second one is the
 * text-mode flag; `*` would mean binary, which makes no difference on GNU
 * systems), the name relative to the directory the check runs in. A name
 * holding a backslash or a newline is written with those escaped (`\\`, `\n`)
 * and the line starts with a backslash.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { CHECKSUMS_FILE } from '../output-file-names.js'
import { createExclusive, publishExclusive } from './exclusive-open.js'

export { CHECKSUMS_FILE }

export interface ChecksumEntry {
  /** Absolute path, inside the output directory. */
  path: string
  /** Lower-case hex; computed from the file when absent. */
  sha256?: string
}

/** One `sha256sum` line for `name` (relative, `/`-separated). */
export function checksumLine(sha256: string, name: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a sha256 hex digest: ${sha256}`)
  const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
  return `${escaped === name ? '' : '\\'}${sha256}  ${escaped}\n`
}

/** The lines of SHA256SUMS for `entries`, names relative to `outputDir`, in the order given. */
export async function renderChecksums(
  outputDir: string,
  entries: readonly ChecksumEntry[]
): Promise<string> {
  let text = ''
  for (const entry of entries) {
    const name = relative(outputDir, entry.path).split(sep).join('/')
    if (name === '' || name.startsWith('../') || name === '..') {
      throw new Error(`${entry.path} is not inside the output directory ${outputDir}`)
    }
    const sha256 =
      entry.sha256 ??
      createHash('sha256')
        .update(await readFile(entry.path))
        .digest('hex')
    text += checksumLine(sha256, name)
  }
  return text
}

/**
 * Writes SHA256SUMS into `outputDir` and returns its path. It is written under
 * a temporary name and renamed, so a reader never finds a half-written list.
 */
export async function writeChecksums(
  outputDir: string,
  entries: readonly ChecksumEntry[]
): Promise<string> {
  const path = join(outputDir, CHECKSUMS_FILE)
  const partial = join(outputDir, `.${CHECKSUMS_FILE}.partial`)
  const text = await renderChecksums(outputDir, entries)
  const file = await createExclusive(partial)
  try {
    await file.writeFile(text)
  } finally {
    await file.close()
  }
  await publishExclusive(partial, path)
  return path
}
