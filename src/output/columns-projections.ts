/**
 * Value getters: plain dotted paths, and the readable projections that replace
 * JSON blobs nobody can read in a spreadsheet (audit initiator, target names,
 * modified properties).
 */
import { cellJson } from './bounded-json.js'

import type { GraphRecord } from '../records/graph-record.js'
export type Getter = (record: GraphRecord) => unknown

/**
 * Getter for a dotted path, split once here rather than per record. When the
 * path crosses an array (targetResources.id, or servicePrincipal, which the
 * reference documents as a collection but Graph sends as an object), the rest
 * of the path is read from every element, giving an aligned list.
 */
export function pathGetter(path: string): Getter {
  const keys = path.split('.')
  if (keys.length === 1) {
    const key = keys[0]
    return record => record[key]
  }
  return record => walk(record, keys, 0)
}

function walk(start: unknown, keys: readonly string[], from: number): unknown {
  let value = start
  for (let i = from; i < keys.length; i++) {
    if (value === null || typeof value !== 'object') return undefined
    if (Array.isArray(value)) {
      const rest = i
      return value.map(element => walk(element, keys, rest))
    }
    value = (value as GraphRecord)[keys[i]]
  }
  return value
}

function asObject(value: unknown): GraphRecord | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as GraphRecord)
    : undefined
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Audit `initiatedBy`: who did it, in one cell (one of user/app is null). */
export const auditInitiator: Getter = record => {
  const initiatedBy = asObject(record.initiatedBy)
  const user = asObject(initiatedBy?.user)
  const app = asObject(initiatedBy?.app)
  return (
    nonEmptyString(user?.userPrincipalName) ??
    nonEmptyString(app?.displayName) ??
    // Not every user initiator carries a UPN (e.g. some system actors); a name beats a blank.
    nonEmptyString(user?.displayName) ??
    nonEmptyString(app?.servicePrincipalName)
  )
}

/** Audit `targetResources`: display names, one per target, aligned with targetResources.id. */
export const targetResourceNames: Getter = record => {
  const targets = record.targetResources
  if (!Array.isArray(targets)) return undefined
  return targets.map(t => asObject(t)?.displayName ?? null)
}

/**
 * `name: old -> new` per modified property, `; `-joined. Audit logs keep the
 * properties inside each target resource; provisioning logs at the top level.
 */
export const auditModifiedProperties: Getter = record => {
  const targets = record.targetResources
  if (!Array.isArray(targets)) return undefined
  const parts: string[] = []
  for (const target of targets) summarise(asObject(target)?.modifiedProperties, parts)
  return parts.length > 0 ? parts.join('; ') : undefined
}

export const provisioningModifiedProperties: Getter = record => {
  const parts: string[] = []
  summarise(record.modifiedProperties, parts)
  return parts.length > 0 ? parts.join('; ') : undefined
}

function summarise(list: unknown, into: string[]): void {
  if (!Array.isArray(list)) return
  for (const item of list) {
    const property = asObject(item)
    if (!property) continue
    const name = typeof property.displayName === 'string' ? property.displayName : ''
    into.push(`${name}: ${decodeValue(property.oldValue)} -> ${decodeValue(property.newValue)}`)
  }
}

/**
 * Audit oldValue/newValue are JSON text ("\"foo\"", "[\"a\",\"b\"]", "[]").
 * Decode what parses; keep anything else as sent (provisioning sends plain text).
 */
export function decodeValue(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return readable(value)
  const first = value.trimStart()[0]
  if (first !== '"' && first !== '[' && first !== '{') return value
  try {
    return readable(JSON.parse(value))
  } catch {
    return value
  }
}

function readable(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every(v => v === null || typeof v !== 'object')) {
    // ', ' inside one property so '; ' still separates properties.
    return value.map(v => (v === null ? '' : String(v))).join(', ')
  }
  if (typeof value === 'object') return cellJson(value)
  return String(value)
}
