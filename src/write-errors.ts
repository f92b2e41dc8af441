/**
 * File-system failures while writing output, in words: a full disk must read
 * as "disk full" and name the file, not as a Node stack trace.
 */

const IN_WORDS: Record<string, string> = {
  ENOSPC: 'disk full (no space left on the device)',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error (the disk or its file system failed)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EFBIG: 'file too large for the file system',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'the path is a directory',
  ENOENT: 'the directory no longer exists'
}

export interface WriteError extends Error {
  code: string
  path?: string
}

export function isWriteError(error: unknown): error is WriteError {
  const code = (error as { code?: unknown } | undefined)?.code
  // Not `instanceof Error`: errors from Node's fs may come from another realm (vm, workers).
  return typeof error === 'object' && error !== null && typeof code === 'string' && code in IN_WORDS
}

/** "Could not write <path>: disk full (no space left on the device) [ENOSPC]." */
export function describeWriteError(error: WriteError, path = error.path): string {
  return (
    `Could not write ${path ?? 'an output file'}: ${IN_WORDS[error.code]} [${error.code}]. ` +
    'Free space or fix the permissions of the output directory and RUNNER_TEMP, then re-run.'
  )
}

/** Gives a file-system error the path it happened on, when Node left it out (write() errors do). */
export function withPath<T>(error: T, path: string): T {
  if (isWriteError(error) && error.path === undefined) error.path = path
  return error
}
