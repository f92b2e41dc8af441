import type { TopEntry, TopList } from './types.js'

/** Default cap on distinct keys per list: memory stays bounded on any tenant. */
export const MAX_KEYS_PER_LIST = 10_000
/** Keys are tenant text of any length; a longer one is cut so the cap also bounds bytes. */
export const MAX_KEY_CHARS = 256

interface Slot {
  name: string
  detail?: string
  count: number
}

/**
 * Counts occurrences per key in bounded memory. Once `maxKeys` distinct keys
 * are held, records with a new key are only counted as "other": an exact top
 * list for the keys seen first, and an honest total of what was not itemised.
 * (A space-saving sketch would estimate better under churn, but its counts are
 * approximate, and a reviewer comparing the summary with the CSV wants exact ones.)
 */
export class TopCounter {
  private readonly slots = new Map<string, Slot>()
  private other = 0

  constructor(
    private readonly maxKeys: number = MAX_KEYS_PER_LIST,
    private readonly maxKeyChars: number = MAX_KEY_CHARS
  ) {}

  /** Count one record under `name` (+ `detail`, which is part of the key when given). */
  add(name: string, detail?: string, by = 1): void {
    const shortName = clip(name, this.maxKeyChars)
    const shortDetail = detail === undefined ? undefined : clip(detail, this.maxKeyChars)
    const key = shortDetail === undefined ? shortName : `${shortDetail}\u0000${shortName}`
    const slot = this.slots.get(key)
    if (slot) slot.count += by
    else if (this.slots.size < this.maxKeys)
      this.slots.set(key, { name: shortName, detail: shortDetail, count: by })
    else this.other += by
  }

  /** Iterate the itemised entries, unordered. */
  entries(): IterableIterator<Slot> {
    return this.slots.values()
  }

  top(n: number): TopList {
    return {
      entries: topEntries(this.slots.values(), n),
      distinct: this.slots.size,
      otherRecords: this.other,
      capped: this.other > 0
    }
  }
}

/** The n largest by count (ties by name, then detail, so output is stable), in O(size · n). */
export function topEntries(slots: Iterable<Slot>, n: number): TopEntry[] {
  const best: Slot[] = []
  for (const slot of slots) {
    if (best.length === n && compare(slot, best[n - 1]) >= 0) continue
    let i = best.length
    while (i > 0 && compare(slot, best[i - 1]) < 0) i--
    best.splice(i, 0, slot)
    if (best.length > n) best.pop()
  }
  return best.map(({ name, detail, count }) =>
    detail === undefined ? { name, count } : { name, detail, count }
  )
}

function compare(a: Slot, b: Slot): number {
  if (a.count !== b.count) return b.count - a.count
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  const ad = a.detail ?? ''
  const bd = b.detail ?? ''
  return ad < bd ? -1 : ad > bd ? 1 : 0
}

/** Cut tenant text to `max` characters, marking the cut. */
export function clip(text: string, max: number = MAX_KEY_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
