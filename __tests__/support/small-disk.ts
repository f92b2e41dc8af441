import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A real file system of `bytes` (a tmpfs), where writes past its size fail with
 * ENOSPC: the full disk the action must survive. The files the action writes are
 * created exclusively (never through a link), so a link to /dev/full cannot stand
 * in for one. Mounting needs root, as on CI's and the developers' machines;
 * elsewhere this returns undefined and the caller skips.
 */
export function mountSmallDisk(bytes: number, parent = tmpdir()): SmallDisk | undefined {
  const dir = mkdtempSync(join(parent, 'small-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

export interface SmallDisk {
  dir: string
  unmount(): void
}

/** Whether a small disk can be had here (root, mount allowed). */
export const canMountSmallDisk: boolean = (() => {
  const disk = mountSmallDisk(4096)
  disk?.unmount()
  return disk !== undefined
})()
