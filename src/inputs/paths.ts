/**
 * Where the action may write: `output-dir` must resolve, symlinks included,
 * inside the job's workspace or its runner temp directory, and must not already
 * hold a file this run would write. Checked before any network call.
 */
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Inputs } from '../constants.js'
import { UserError } from '../errors.js'
import { safeLogText } from '../log-text.js'
import { CHECKSUMS_FILE, MANIFEST_FILE } from '../output-file-names.js'
import type { LogTypeName } from '../settings.js'

/** The directories output-dir may be in. Off a runner: the working directory and the OS temp directory. */
export function allowedRoots(env: NodeJS.ProcessEnv): { name: string; dir: string }[] {
  return [
    { name: 'GITHUB_WORKSPACE', dir: env.GITHUB_WORKSPACE || process.cwd() },
    { name: 'RUNNER_TEMP', dir: env.RUNNER_TEMP || os.tmpdir() }
  ]
}

/**
 * The output directory's real path. Empty input: a directory of its own under
 * runner temp, named for the artifact, so two steps of one job (which need two
 * artifact names anyway) never share one.
 */
export function resolveOutputDir(
  raw: string,
  artifactName: string,
  env: NodeJS.ProcessEnv
): string {
  const root = env.RUNNER_TEMP || os.tmpdir()
  // Relative paths resolve against the working directory, which is the workspace on a runner.
  const wanted = raw === '' ? path.join(root, 'entra-log-export', artifactName) : path.resolve(raw)
  const shown = `Input '${Inputs.OutputDir}'${raw === '' ? ' (default)' : ''}`
  const real = realPathOfNearest(wanted, shown)
  // A root not created yet is compared through its nearest existing ancestor too.
  const roots = allowedRoots(env).map(r => realPathOfNearest(path.resolve(r.dir), r.name))
  if (!roots.some(root => isInside(real, root))) {
    throw new UserError(
      `${shown} must be a directory inside the workspace (GITHUB_WORKSPACE) or the runner's ` +
        `temp directory (RUNNER_TEMP); got '${safeLogText(raw)}', which resolves to ` +
        `'${safeLogText(real)}'${real !== wanted ? ' (through a symbolic link)' : ''}.`
    )
  }
  return real
}

/**
 * Files of this run that already exist in the output directory. The action
 * creates every file new (never writing through a planted link or over an
 * earlier run's export), so any of these would fail the run after the export.
 */
export function checkOutputDirIsFree(dir: string, logTypes: readonly LogTypeName[]): void {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return // not there yet: created when the first file is written
  }
  // record-writer.ts names: <log type>[.incomplete][.<part>].csv|.jsonl; manifest.ts: manifest.json;
  // checksums.ts: SHA256SUMS. Each is first written under a `.partial` name, which counts too.
  const ours = new RegExp(
    `^(?:${logTypes.join('|')})(?:\\.incomplete)?(?:\\.\\d+)?\\.(?:csv|jsonl)(?:\\.partial)?$`
  )
  const fixed = new Set([MANIFEST_FILE, CHECKSUMS_FILE].flatMap(name => [name, `${name}.partial`]))
  fixed.add(`.${CHECKSUMS_FILE}.partial`)
  const taken = entries.filter(name => fixed.has(name) || ours.test(name)).sort()
  if (taken.length === 0) return
  const listed = taken.slice(0, 10).map(name => safeLogText(name))
  throw new UserError(
    `Input '${Inputs.OutputDir}': '${safeLogText(dir)}' already holds files this run would write ` +
      `(${listed.join(', ')}${taken.length > listed.length ? ', …' : ''}). The action never ` +
      `overwrites a file. To run it more than once in a job, give each step its own ` +
      `${Inputs.OutputDir} (or its own ${Inputs.ArtifactName}, which names the default directory), ` +
      `or remove those files first.`
  )
}

/** Real path of `target`: the nearest existing ancestor resolved, the rest appended (it does not exist, so holds no link). */
function realPathOfNearest(target: string, shown: string): string {
  let existing = target
  const rest: string[] = []
  for (;;) {
    let stats: Stats | undefined
    try {
      stats = lstatSync(existing)
    } catch {
      stats = undefined
    }
    if (stats) break
    const parent = path.dirname(existing)
    if (parent === existing) break
    rest.unshift(path.basename(existing))
    existing = parent
  }
  let real: string
  try {
    real = realpathSync.native(existing)
  } catch {
    throw new UserError(
      `${shown} must name a directory; '${safeLogText(existing)}' is a symbolic link to nothing.`
    )
  }
  if (rest.length === 0) {
    let isDir = false
    try {
      isDir = lstatSync(real).isDirectory()
    } catch {
      isDir = false
    }
    if (!isDir) {
      throw new UserError(
        `${shown} must name a directory; '${safeLogText(target)}' is an existing file.`
      )
    }
  } else if (!lstatSync(real).isDirectory()) {
    throw new UserError(
      `${shown} must name a directory; '${safeLogText(real)}' on its path is an existing file.`
    )
  }
  return path.join(real, ...rest)
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel))
}
