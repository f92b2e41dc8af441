import {
  ByteArena,
  MalformedPageError,
  PageSplitter,
  splitPage,
  type PageParts
} from '../../src/graph/page-body.js'

const record = (id: string, extra: Record<string, unknown> = {}) => ({ id, ...extra })
/** Each record's text, checked to be followed by a newline in the arena. */
function texts(parts: PageParts, arena: ByteArena): string[] {
  return parts.starts.map((start, i) => {
    expect(arena.buffer[parts.ends[i]]).toBe(0x0a)
    return arena.buffer.toString('utf8', start, parts.ends[i])
  })
}

/** Split with a fresh, deliberately tiny arena (so it has to grow), returning the texts too. */
function split(body: Uint8Array | string) {
  const arena = new ByteArena(8)
  const parts = splitPage(body, arena)
  return { ...parts, records: texts(parts, arena) }
}

/** Feed `body` in chunks cut at the given byte offsets. */
function splitInChunks(body: string, cuts: number[]) {
  const bytes = Buffer.from(body, 'utf8')
  const arena = new ByteArena(8)
  const splitter = new PageSplitter(arena)
  let from = 0
  for (const cut of [...cuts, bytes.length]) {
    // Copies, so no chunk shares memory with the next: as the network hands them over.
    splitter.push(Uint8Array.from(bytes.subarray(from, cut)))
    from = cut
  }
  const parts = splitter.end()
  return { ...parts, records: texts(parts, arena) }
}

const tricky = [
  record('a', { status: { errorCode: 0 }, tags: ['x', 'y'], value: [1, { value: '[' }] }),
  record('b', { s: 'quote " brace } bracket ] backslash \\ end\\', u: 'Zoë 🚀 \u2028 ' }),
  record('c', { nested: [[[]], {}], n: -1.5e3, t: true, f: false, z: null, e: '\\\\"' })
]
const trickyBody = JSON.stringify({
  '@odata.context': 'https://graph/$metadata#auditLogs/signIns',
  '@odata.nextLink': 'https://graph/beta/auditLogs/signIns?$skiptoken=x"y\\',
  value: tricky
})

describe('splitPage', () => {
  it('returns each record as the bytes Graph sent and the envelope without them', () => {
    const parts = split(trickyBody)
    expect(parts.records).toEqual(tricky.map(r => JSON.stringify(r)))
    expect(parts.envelope).toEqual({
      '@odata.context': 'https://graph/$metadata#auditLogs/signIns',
      '@odata.nextLink': 'https://graph/beta/auditLogs/signIns?$skiptoken=x"y\\',
      value: []
    })
  })

  it('gives the same result however the body is cut into chunks', () => {
    const whole = split(trickyBody)
    const length = Buffer.byteLength(trickyBody)
    for (let cut = 0; cut <= length; cut++) {
      const parts = splitInChunks(trickyBody, [cut])
      expect(parts.records).toEqual(whole.records)
      expect(parts.envelope).toEqual(whole.envelope)
    }
    const oneByteAtATime = splitInChunks(
      trickyBody,
      Array.from({ length }, (_, i) => i)
    )
    expect(oneByteAtATime.records).toEqual(whole.records)
    expect(oneByteAtATime.envelope).toEqual(whole.envelope)
  })

  it('accepts whitespace anywhere JSON does, and flags records that span lines', () => {
    const body =
      ' {\n "value" : [ {"id":"a"} ,\r\n\t{ "id" :\r "b" }, {\n"id":"c\\n"} ] ,\n "@odata.nextLink":"n" }\n'
    const parts = split(body)
    expect(parts.records.map(t => JSON.parse(t))).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c\n' }])
    expect(parts.multiline).toEqual([false, true, true])
    expect(parts.envelope['@odata.nextLink']).toBe('n')
  })

  it('reads an empty page and ignores "value" keys that are not the page\'s', () => {
    expect(split('{"value":[]}').records).toEqual([])
    const body = '{"meta":{"value":[{"id":"no"}]},"note":"value","value":[{"id":"yes"}]}'
    expect(split(body).records).toEqual(['{"id":"yes"}'])
  })

  it('rejects every cut of a page short of the whole', () => {
    const length = Buffer.byteLength(trickyBody)
    for (let cut = 0; cut < length; cut++) {
      const bytes = Buffer.from(trickyBody, 'utf8').subarray(0, cut)
      expect(() => split(bytes)).toThrow(MalformedPageError)
    }
    expect(split(trickyBody).records).toHaveLength(3)
  })

  it('rejects pages that are not pages of records', () => {
    for (const body of [
      '',
      'null',
      '[{"id":"a"}]',
      '{"value":{"id":"a"}}',
      '{"records":[{"id":"a"}]}',
      '{"value":[1,2]}',
      '{"value":["a"]}',
      '{"value":[[]]}',
      '{"value":[{"id":"a"}]} trailing',
      '{"value":[{"id":"a"}]}}',
      '{"value":[{"id":"a"}]}{"value":[]}',
      '<html>Service Unavailable</html>'
    ]) {
      expect(() => split(body)).toThrow(MalformedPageError)
    }
  })
})
