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
/** Grow at this load: linear probing slows sharply beyond ~0.85 (still ~3M adds/s at 0.8). */
const MAX_LOAD = 0.8
/** Growing by 1.25 rather than 2 keeps each shard nearer MAX_LOAD: ~21 bytes per id at 1M. */
const GROWTH = 1.25
/**
 * The table is 256 independent shards (by the hash's top byte). Growing copies one
 * shard, not the whole table: one big table briefly held old and new copies at
 * once, 2.5 times its size (at 1M ids a 27 MB table spiked to 67 MB).
 */
const SHARD_BITS = 8
const SHARDS = 1 << SHARD_BITS
const SLOT_BITS = 32 - SHARD_BITS

/**
 * Set of record ids using little memory: GUIDs stored as 16 bytes in open-addressing
 * tables of Uint32s (4 words per entry, 256 shards that each grow at 0.8 load); any id that is not a canonical
 * GUID (case-insensitive) falls back to a Set<string>. Exact — no hashing collisions can
 * drop a record.
 *
 * Why: a scheduled export re-reads a trailing overlap and Graph republishes sign-ins, so
 * every id of a run is remembered. A Set<string> costs ~100 bytes per GUID (a heap string
 * plus its hash-table entry); 3M sign-ins would be ~300 MB, this is ~16 bytes / load.
 */
export class IdSet {
  private readonly tables: Uint32Array[] = []
  private readonly capacities: number[] = []
  private readonly counts: number[] = []
  private used = 0
  /** The all-zero GUID is the empty-slot marker, so it is tracked here instead. */
  private hasZero = false
  private readonly others = new Set<string>()
  /** The GUID parsed last; a reused buffer so add/has allocate nothing. */
  private readonly key = new Uint32Array(WORDS)
  /** Shard and hash of `key`, set by hash(). */
  private shard = 0
  private slotHash = 0

  constructor(initialCapacity = 1024) {
    const perShard = Math.max(8, Math.ceil(initialCapacity / SHARDS / MAX_LOAD))
    for (let i = 0; i < SHARDS; i++) {
      this.tables.push(new Uint32Array(perShard * WORDS))
      this.capacities.push(perShard)
      this.counts.push(0)
    }
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
    this.hash()
    const shard = this.shard
    const t = this.tables[shard]
    const at = this.find(t, this.capacities[shard])
    if ((t[at] | t[at + 1] | t[at + 2] | t[at + 3]) !== 0) return false
    t[at] = key[0]
    t[at + 1] = key[1]
    t[at + 2] = key[2]
    t[at + 3] = key[3]
    this.used++
    if (++this.counts[shard] > this.capacities[shard] * MAX_LOAD) this.grow(shard)
    return true
  }

  has(id: string): boolean {
    if (!this.parse(id)) return this.others.has(id)
    const key = this.key
    if ((key[0] | key[1] | key[2] | key[3]) === 0) return this.hasZero
    this.hash()
    const t = this.tables[this.shard]
    const at = this.find(t, this.capacities[this.shard])
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

  /** Sets `shard` and `slotHash` for `key`. */
  private hash(): void {
    const k = this.key
    // Ids are usually random v4 GUIDs, but mix all words so sequential or
    // structured ids (only the tail changing) still spread over the table.
    let h =
      k[0] ^ Math.imul(k[1], 0x9e3779b1) ^ Math.imul(k[2], 0x85ebca77) ^ Math.imul(k[3], 0xc2b2ae3d)
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    h = (h ^ (h >>> 16)) >>> 0
    this.shard = h >>> SLOT_BITS
    this.slotHash = h & ((1 << SLOT_BITS) - 1)
  }

  /** Word offset of `key` in `table`, or of the empty slot where it belongs (after hash()). */
  private find(table: Uint32Array, capacity: number): number {
    const k0 = this.key[0]
    const k1 = this.key[1]
    const k2 = this.key[2]
    const k3 = this.key[3]
    // Map the hash onto [0, capacity) by multiply-shift, so capacity need not be a power
    // of two (see GROWTH). The float product keeps the result strictly below capacity.
    let slot = Math.floor((this.slotHash * capacity) / (1 << SLOT_BITS))
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

  private grow(shard: number): void {
    const old = this.tables[shard]
    const capacity = Math.ceil(this.capacities[shard] * GROWTH)
    const table = new Uint32Array(capacity * WORDS)
    const key = this.key
    for (let at = 0; at < old.length; at += WORDS) {
      if ((old[at] | old[at + 1] | old[at + 2] | old[at + 3]) === 0) continue
      key[0] = old[at]
      key[1] = old[at + 1]
      key[2] = old[at + 2]
      key[3] = old[at + 3]
      this.hash()
      const to = this.find(table, capacity)
      table[to] = key[0]
      table[to + 1] = key[1]
      table[to + 2] = key[2]
      table[to + 3] = key[3]
    }
    this.tables[shard] = table
    this.capacities[shard] = capacity
  }
}
