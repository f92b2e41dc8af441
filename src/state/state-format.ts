import type { LogTypeName } from '../settings.js'

/**
 * What a scheduled run remembers for the next one, per log type: where its
 * window ended, and the ids it exported in the trailing overlap (so the next
 * run can re-read the overlap for late events without exporting them twice).
 * GUIDs are packed as 16 bytes (base64) to keep a busy tenant's overlap small.
 */
export interface LogTypeState {
  /** End (exclusive) of the window this log type was exported up to. */
  end: string
  /** Start of the stretch whose ids are remembered (end - overlap). */
  idsFrom: string
  /** GUID ids, 16 bytes each, base64. */
  guids: string
  /** Ids that are not GUIDs, as they are. */
  otherIds: string[]
  /**
   * Ranges before `end` no run has exported yet (a run stopped by its time
   * budget or a cancel): the next run reads them first. ISO instants, [start, end).
   */
  pending?: { start: string; end: string }[]
}

export interface ExportState {
  version: 1
  tenantId: string
  savedAt: string
  runId?: string
  logTypes: Partial<Record<LogTypeName, LogTypeState>>
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function packIds(ids: Iterable<string>): { guids: string; otherIds: string[] } {
  const chunks: Buffer[] = []
  const otherIds: string[] = []
  for (const id of ids) {
    if (GUID.test(id)) chunks.push(Buffer.from(id.replace(/-/g, ''), 'hex'))
    else otherIds.push(id)
  }
  return { guids: Buffer.concat(chunks).toString('base64'), otherIds }
}

export function unpackIds(state: Pick<LogTypeState, 'guids' | 'otherIds'>): string[] {
  const bytes = Buffer.from(state.guids, 'base64')
  if (bytes.length % 16 !== 0) throw new Error('packed GUIDs are not a multiple of 16 bytes')
  const ids: string[] = []
  for (let i = 0; i < bytes.length; i += 16) {
    const hex = bytes.subarray(i, i + 16).toString('hex')
    ids.push(
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    )
  }
  return ids.concat(state.otherIds)
}

/** Parse and check a state file; throws with a reason when it is not one we wrote. */
export function parseState(text: string): ExportState {
  const value = JSON.parse(text) as Partial<ExportState>
  if (value?.version !== 1) throw new Error(`unsupported state version ${String(value?.version)}`)
  if (typeof value.tenantId !== 'string' || typeof value.logTypes !== 'object' || !value.logTypes) {
    throw new Error('state file lacks tenantId or logTypes')
  }
  for (const [name, entry] of Object.entries(value.logTypes)) {
    if (
      !entry ||
      Number.isNaN(Date.parse(entry.end)) ||
      Number.isNaN(Date.parse(entry.idsFrom)) ||
      typeof entry.guids !== 'string' ||
      !Array.isArray(entry.otherIds) ||
      (entry.pending !== undefined &&
        (!Array.isArray(entry.pending) ||
          entry.pending.some(
            r => !r || Number.isNaN(Date.parse(r.start)) || Number.isNaN(Date.parse(r.end))
          )))
    ) {
      throw new Error(`state entry for ${name} is malformed`)
    }
  }
  return value as ExportState
}
