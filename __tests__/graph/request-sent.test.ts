import { clientRequestIdOf } from '../../src/graph/request-sent.js'

describe('clientRequestIdOf (matching undici send messages to requests)', () => {
  it("reads the header from undici's [name, value, ...] list, in any case", () => {
    expect(clientRequestIdOf(['accept', '*/*', 'Client-Request-Id', 'abc'])).toBe('abc')
    expect(clientRequestIdOf(['accept', '*/*'])).toBeUndefined()
  })

  it('reads it from raw header text (older undici)', () => {
    expect(clientRequestIdOf('accept: */*\r\nclient-request-id: abc\r\nx: y\r\n')).toBe('abc')
    expect(clientRequestIdOf('client-request-id: abc\r\n')).toBe('abc')
    // A value that merely contains the name is not the header.
    expect(clientRequestIdOf('x-note: client-request-id: no\r\n')).toBeUndefined()
  })

  it('ignores anything else', () => {
    expect(clientRequestIdOf(undefined)).toBeUndefined()
    expect(clientRequestIdOf({ 'client-request-id': 'abc' })).toBeUndefined()
  })
})
