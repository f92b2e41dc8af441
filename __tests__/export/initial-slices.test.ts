import { initialSlices } from '../../src/export/run-export.js'

describe('initial time slices', () => {
  const window = {
    start: new Date('2026-10-04T00:00:00.250Z'),
    end: new Date('2026-10-06T00:00:00Z')
  }

  it('partition the window exactly, newest first, inner edges on whole seconds', () => {
    const slices = initialSlices(window, 4, 60_000)
    expect(slices).toHaveLength(4)
    expect(slices[0].endMs).toBe(window.end.getTime())
    expect(slices[slices.length - 1].startMs).toBe(window.start.getTime())
    for (let i = 1; i < slices.length; i++) {
      expect(slices[i].endMs).toBe(slices[i - 1].startMs)
      expect(slices[i].endMs % 1000).toBe(0)
    }
  })

  it('never cut slices shorter than the minimum, and keep an empty window whole', () => {
    const short = { start: new Date('2026-10-04T00:00:00Z'), end: new Date('2026-10-04T00:02:00Z') }
    expect(initialSlices(short, 8, 60_000)).toHaveLength(2)
    const empty = { start: short.start, end: short.start }
    expect(initialSlices(empty, 4, 60_000)).toEqual([
      { startMs: short.start.getTime(), endMs: short.start.getTime() }
    ])
  })
})
