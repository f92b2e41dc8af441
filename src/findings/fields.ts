/**
 * Tolerant readers for Graph records: any field can be missing, null or of an
 * unexpected type (beta shapes change), and a finding must never throw.
 */
export type Json = Record<string, unknown>

export function child(record: Json | undefined, key: string): Json | undefined {
  const value = record?.[key]
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

/** A non-empty string field, or undefined. Numbers are accepted as text (error codes). */
export function text(record: Json | undefined, key: string): string | undefined {
  const value = record?.[key]
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** Sign-in status: a failure is any errorCode other than 0 (issue 8). */
export function signInError(record: Json): { code: string; reason: string } | undefined {
  const status = child(record, 'status')
  const code = status?.errorCode
  if (code === undefined || code === null || code === 0 || code === '0') return undefined
  return {
    code: String(code),
    reason: text(status, 'failureReason') ?? '(no failure reason given)'
  }
}

export const UNKNOWN = '(unknown)'
