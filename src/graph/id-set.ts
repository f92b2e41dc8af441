/** Hex digit values by char code (ASCII only), -1 for anything else. */
const HEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX[48 + i] = i
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i
  HEX[97 + i] = 10 + i
}

const DASH = 45

/**
 * Goes negative once hex() meets a non-hex char (digits only OR in 0..15). A flag beats
 * checking a sentinel return after every call in the hot path.
 */
let invalid = 0

/** Appends the hex digits s[from, to) to `acc` (as an int32 bit pattern). */
function hex(s: string, from: number, to: number, acc: number): number {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    // Branch-free: HEX by the low 7 bits, forced to -1 when c > 127.
    const v = HEX[c & 127] | ((127 - c) >> 31)
    invalid |= v
    acc = (acc << 4) | v
  }
  return acc
}
const WORDS = 4
/** Grow at this load: linear probing slows sharply beyond ~0.7. */
const MAX_LOAD = 0.6
/** Growing by 1.5 rather than 2 keeps the table nearer MAX_LOAD, i.e. less memory per id. */
const GROWTH = 1.5

/**
 * Set of record ids using little memory: GUIDs stored as 16 bytes in an open-addressing
 * table of Uint32s (4 words per entry, grows at ~0.6 load); any id that is not a canonical
 * GUID (case-insensitive) falls back to a Set<string>. Exact — no hashing collisions can
 * drop a record.
 *
 * Why: a scheduled export re-reads a trailing overlap and Graph republishes sign-ins, so
 * every id of a run is remembered. A Set<string> costs ~100 bytes per GUID (a heap string
 * plus its hash-table entry); 3M sign-ins would be ~300 MB, this is ~16 bytes / MAX_LOAD.
 */
export class IdSet {
  private table: Uint32Array
  private capacity: number
  private used = 0
  /** The all-zero GUID is the empty-slot marker, so it is tracked here instead. */
  private hasZero = false
  private readonly others = new Set<string>()
  /** The GUID parsed last; a reused buffer so add/has allocate nothing. */
  private readonly key = new Uint32Array(WORDS)

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, Math.ceil(initialCapacity / MAX_LOAD))
    this.table = new Uint32Array(this.capacity * WORDS)
  }

  get size(): number {
    return this.used + (this.hasZero ? 1 : 0) + this.others.size
  }

  /** Returns true if `id` was new. */
  add(id: string): boolean {
    if (!this.parse(id)) {
      if (this.others.has(id)) return false
      this.others.add(id)
      return true
    }
    const key = this.key
    if ((key[0] | key[1] | key[2] | key[3]) === 0) {
      if (this.hasZero) return false
      this.hasZero = true
      return true
    }
    const at = this.find(this.table, this.capacity)
    const t = this.table
    if ((t[at] | t[at + 1] | t[at + 2] | t[at + 3]) !== 0) return false
    t[at] = key[0]
    t[at + 1] = key[1]
    t[at + 2] = key[2]
    t[at + 3] = key[3]
    if (++this.used > this.capacity * MAX_LOAD) this.grow()
    return true
  }

  has(id: string): boolean {
    if (!this.parse(id)) return this.others.has(id)
    const key = this.key
    if ((key[0] | key[1] | key[2] | key[3]) === 0) return this.hasZero
    const at = this.find(this.table, this.capacity)
    const t = this.table
    return (t[at] | t[at + 1] | t[at + 2] | t[at + 3]) !== 0
  }

  /**
   * Parses a canonical 8-4-4-4-12 GUID into `key` (charCodeAt, no regex or substrings,
   * since this runs once per record). Braced or dashless forms are left to the string set.
   */
  private parse(s: string): boolean {
    if (
      s.length !== 36 ||
      s.charCodeAt(8) !== DASH ||
      s.charCodeAt(13) !== DASH ||
      s.charCodeAt(18) !== DASH ||
      s.charCodeAt(23) !== DASH
    ) {
      return false
    }
    invalid = 0
    const key = this.key
    key[0] = hex(s, 0, 8, 0)
    key[1] = hex(s, 14, 18, hex(s, 9, 13, 0))
    key[2] = hex(s, 24, 28, hex(s, 19, 23, 0))
    key[3] = hex(s, 28, 36, 0)
    return invalid >= 0
  }

  /** Word offset of `key` in `table`, or of the empty slot where it belongs. */
  private find(table: Uint32Array, capacity: number): number {
    const k0 = this.key[0]
    const k1 = this.key[1]
    const k2 = this.key[2]
    const k3 = this.key[3]
    // Ids are usually random v4 GUIDs, but mix all words so sequential or
    // structured ids (only the tail changing) still spread over the table.
    let h = k0 ^ Math.imul(k1, 0x9e3779b1) ^ Math.imul(k2, 0x85ebca77) ^ Math.imul(k3, 0xc2b2ae3d)
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    h = (h ^ (h >>> 16)) >>> 0
    // Map the hash onto [0, capacity) by multiply-shift, so capacity need not be a power
    // of two (see GROWTH). The float product keeps the result strictly below capacity.
    let slot = Math.floor((h * capacity) / 4294967296)
    for (;;) {
      const at = slot * WORDS
      const a = table[at]
      const b = table[at + 1]
      const c = table[at + 2]
      const d = table[at + 3]
      if (a === k0 && b === k1 && c === k2 && d === k3) return at
      if ((a | b | c | d) === 0) return at
      if (++slot === capacity) slot = 0
    }
  }

  private grow(): void {
    const old = this.table
    const capacity = Math.ceil(this.capacity * GROWTH)
    const table = new Uint32Array(capacity * WORDS)
    const key = this.key
    for (let at = 0; at < old.length; at += WORDS) {
      if ((old[at] | old[at + 1] | old[at + 2] | old[at + 3]) === 0) continue
      key[0] = old[at]
      key[1] = old[at + 1]
      key[2] = old[at + 2]
      key[3] = old[at + 3]
      const to = this.find(table, capacity)
      table[to] = key[0]
      table[to + 1] = key[1]
      table[to + 2] = key[2]
      table[to + 3] = key[3]
    }
    this.table = table
    this.capacity = capacity
  }
}
