import { DensityRegime } from '../../src/export/density-regime.js'

const MIN = 60_000
const HOUR = 60 * MIN

describe('DensityRegime (how far a chain trusts its last page density)', () => {
  it('trusts a run of similar pages for as long again as it has lasted', () => {
    const regime = new DensityRegime()
    let position = 100 * HOUR
    expect(regime.horizonMs(position, 7 * MIN)).toBe(7 * MIN) // nothing read yet: the fixed horizon
    // Quiet pages: 1000 records over 13 h each.
    for (let i = 0; i < 2; i++) {
      regime.note(1000, 13 * HOUR, position)
      position -= 13 * HOUR
    }
    expect(regime.horizonMs(position, 7 * MIN)).toBe(26 * HOUR)
    // Into a burst: 1000 records in 5 min. The run starts again at the burst's first page.
    const burstFrom = position
    for (let i = 0; i < 3; i++) {
      regime.note(1000, 5 * MIN, position)
      position -= 5 * MIN
    }
    // Three pages into it, a burst seen for 15 min is expected to last 15 min more,
    // more than the fixed horizon of a page and a half (7.5 min).
    expect(regime.horizonMs(position, 7.5 * MIN)).toBe(burstFrom - position)
    expect(regime.horizonMs(position, 7.5 * MIN)).toBe(15 * MIN)
    // A page at half the density or less ends the run.
    regime.note(300, 5 * MIN, position)
    position -= 5 * MIN
    expect(regime.horizonMs(position, 7.5 * MIN)).toBe(7.5 * MIN)
  })

  it('ignores empty pages (no density to go by)', () => {
    const regime = new DensityRegime()
    regime.note(1000, HOUR, 10 * HOUR)
    regime.note(0, HOUR, 9 * HOUR)
    expect(regime.horizonMs(8 * HOUR, MIN)).toBe(2 * HOUR)
  })
})
