/**
 * Small seeded PRNG helpers. Everything the simulated tenant invents comes from these,
 * so a seed reproduces a dataset (and a fault sequence) exactly.
 */

export type Rng = () => number

/** mulberry32: tiny, fast, good enough for test data. Returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mixes several integers into one 32-bit seed (murmur3 finaliser per step). */
export function mix(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export function int(rng: Rng, min: number, maxInclusive: number): number {
  return min + Math.floor(rng() * (maxInclusive - min + 1))
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]
}

const HEX = '0123456789abcdef'

export function guid(rng: Rng): string {
  let s = ''
  for (let i = 0; i < 32; i++) {
    let d = Math.floor(rng() * 16)
    if (i === 12) d = 4 // version 4
    if (i === 16) d = 8 + (d & 3) // RFC 4122 variant
    s += HEX[d]
    if (i === 7 || i === 11 || i === 15 || i === 19) s += '-'
  }
  return s
}

export function ipv4(rng: Rng): string {
  return `${int(rng, 1, 223)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`
}

export function ipv6(rng: Rng): string {
  const groups: string[] = ['2001', 'db8']
  for (let i = 0; i < 6; i++) groups.push(int(rng, 0, 0xffff).toString(16))
  return groups.join(':')
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function token(rng: Rng, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += B64[Math.floor(rng() * B64.length)]
  return s
}
