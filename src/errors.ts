/**
 * An error the user can fix (bad input, missing permission, wrong credential).
 * The entry prints its message alone, without a stack trace; `cause` keeps the
 * original for debug output.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UserError'
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
