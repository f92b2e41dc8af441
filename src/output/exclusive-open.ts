import { constants } from 'node:fs'
import { link, open, unlink, type FileHandle } from 'node:fs/promises'

/**
 * Create a file that must not exist yet, for writing. O_EXCL fails on any
 * existing entry, a symbolic link included (POSIX: "If O_CREAT and O_EXCL are
 * set, open() shall fail if the file exists... If the path names a symbolic
 * link, open() shall fail"), so nothing planted in the output directory is
 * written through or overwritten; O_NOFOLLOW says the same where it exists
 * (not on Windows, where the flag is absent and O_EXCL alone applies).
 */
export async function createExclusive(path: string): Promise<FileHandle> {
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
  try {
    return await open(path, flags, 0o644)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ELOOP') {
      throw new Error(
        `${path} already exists (a file or a link); the action never writes over or through one.`,
        { cause: error }
      )
    }
    throw error
  }
}

/**
 * Give a finished file its final name without replacing anything there: a hard
 * link fails with EEXIST where rename(2) would silently replace a file (or link)
 * planted after the output directory was checked. Then the temporary name goes.
 */
export async function publishExclusive(partial: string, path: string): Promise<void> {
  try {
    await link(partial, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(
        `${path} already exists (a file or a link); the action never writes over or through one.`,
        { cause: error }
      )
    }
    throw error
  }
  await unlink(partial)
}
