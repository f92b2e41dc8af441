import { packIds, parseState, unpackIds } from '../../src/state/state-format.js'

describe('export state format', () => {
  it('packs GUIDs into 16 bytes each and keeps other ids as they are', () => {
    const ids = [
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      'KkhOrg_1'
    ]
    const packed = packIds(ids)
    expect(Buffer.from(packed.guids, 'base64')).toHaveLength(32)
    expect(packed.otherIds).toEqual(['KkhOrg_1'])
    expect(unpackIds(packed)).toEqual(ids)
  })

  it('normalises GUID case on the way back (Graph ids are lower case)', () => {
    expect(unpackIds(packIds(['0F8FAD5B-D9CB-469F-A165-70867728950E']))).toEqual([
      '0f8fad5b-d9cb-469f-a165-70867728950e'
    ])
  })

  it('rejects files it did not write', () => {
    expect(() => parseState('{"version":2}')).toThrow(/version 2/)
    expect(() => parseState('{"version":1,"tenantId":"t"}')).toThrow(/logTypes/)
    expect(() =>
      parseState(
        '{"version":1,"tenantId":"t","logTypes":{"audit-logs":{"end":"nope","idsFrom":"2026-01-01T00:00:00Z","guids":"","otherIds":[]}}}'
      )
    ).toThrow(/audit-logs is malformed/)
    expect(() => parseState('not json')).toThrow()
  })
})
