import { randomUUID } from 'node:crypto'
import { IdSet } from '../../src/records/id-set.js'

describe('IdSet', () => {
  it('treats upper- and lower-case spellings of a GUID as one id', () => {
    const ids = new IdSet()
    expect(ids.add('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true)
    expect(ids.add('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(false)
    expect(ids.has('0f8FAD5b-d9cb-469f-A165-70867728950e')).toBe(true)
    expect(ids.size).toBe(1)
  })

  it('tells apart GUIDs that differ in any single word', () => {
    const ids = new IdSet()
    const base = '11111111-2222-3333-4444-555555555555'
    const variants = [0, 9, 14, 19, 24, 35].map(i => base.slice(0, i) + 'a' + base.slice(i + 1))
    for (const id of [base, ...variants]) expect(ids.add(id)).toBe(true)
    expect(ids.size).toBe(7)
    for (const id of [base, ...variants]) expect(ids.has(id)).toBe(true)
  })

  it('keeps non-GUID ids, exactly as strings', () => {
    const ids = new IdSet()
    const odd = [
      '',
      'Sync_2024-10-05_abc',
      '{0f8fad5b-d9cb-469f-a165-70867728950e}',
      '0f8fad5bd9cb469fa16570867728950e',
      '0f8fad5b-d9cb-469f-a165-70867728950g',
      '0f8fad5b_d9cb-469f-a165-70867728950e',
      '0f8fad5b-d9cb-469f-a165-70867728950\u0660',
      'ABC',
      'abc'
    ]
    for (const id of odd) expect(ids.add(id)).toBe(true)
    for (const id of odd) expect(ids.add(id)).toBe(false)
    for (const id of odd) expect(ids.has(id)).toBe(true)
    expect(ids.has('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(false)
    expect(ids.size).toBe(odd.length)
  })

  it('stores the all-zero GUID (the table uses zero to mean empty)', () => {
    const ids = new IdSet()
    const zero = '00000000-0000-0000-0000-000000000000'
    expect(ids.has(zero)).toBe(false)
    expect(ids.add(zero)).toBe(true)
    expect(ids.add(zero)).toBe(false)
    expect(ids.has(zero)).toBe(true)
    expect(ids.has('00000000-0000-0000-0000-000000000001')).toBe(false)
    expect(ids.size).toBe(1)
  })

  it('keeps every id through many growths from a tiny table', () => {
    const ids = new IdSet(1)
    // Sequential GUIDs, where only the tail changes, are the worst case for a weak hash.
    const all = Array.from(
      { length: 50_000 },
      (_, i) => `00000000-0000-0000-0000-${i.toString(16).padStart(12, '0')}`
    )
    for (const id of all) expect(ids.add(id)).toBe(true)
    expect(ids.size).toBe(all.length)
    for (const id of all) expect(ids.has(id)).toBe(true)
    expect(ids.has('00000000-0000-0000-0001-000000000000')).toBe(false)
  })

  it('reports every re-added id of 200k random GUIDs as already present', () => {
    const ids = new IdSet()
    const all = Array.from({ length: 200_000 }, () => randomUUID())
    let added = 0
    for (const id of all) if (ids.add(id)) added++
    expect(added).toBe(all.length)
    let again = 0
    for (const id of all) if (ids.add(id.toUpperCase())) again++
    expect(again).toBe(0)
    expect(ids.size).toBe(all.length)
    let missing = 0
    for (const id of all) if (!ids.has(id)) missing++
    expect(missing).toBe(0)
    let strangers = 0
    for (let i = 0; i < 10_000; i++) if (ids.has(randomUUID())) strangers++
    expect(strangers).toBe(0)
  })
})
