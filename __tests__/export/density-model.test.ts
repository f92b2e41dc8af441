import { DensityModel } from '../../src/export/density-model.js'

describe('DensityModel (where a chain expects its unread records)', () => {
  // 2 records/s for 100 s below t = 10,000 s, then 0.1 records/s.
  const model = new DensityModel(10_000_000, 2 / 1000, 100_000, 0.1 / 1000)

  it('counts the near density over the horizon and the far density below it', () => {
    expect(model.recordsBetween(10_000_000)).toBe(0)
    expect(model.recordsBetween(9_950_000)).toBeCloseTo(100)
    expect(model.recordsBetween(9_900_000)).toBeCloseTo(200)
    expect(model.recordsBetween(9_000_000)).toBeCloseTo(200 + 90)
    expect(model.recordsBetween(20_000_000)).toBe(0)
  })

  it('finds the time with a given number of records above it, the inverse of recordsBetween', () => {
    for (const records of [0, 50, 200, 245, 290, 1000]) {
      expect(model.recordsBetween(model.timeWithRecordsAbove(records))).toBeCloseTo(records)
    }
    // Half of the 290 records in the last 1,000 s lie in its newest ~72 s: a burst, not half the time.
    expect(model.timeWithRecordsAbove(145)).toBeCloseTo(10_000_000 - 72_500)
  })

  it('copes with no records near or far', () => {
    const quiet = new DensityModel(5_000, 0, 1_000, 0)
    expect(quiet.recordsBetween(0)).toBe(0)
    expect(quiet.timeWithRecordsAbove(10)).toBe(4_000)
    const farOnly = new DensityModel(5_000, 0, 1_000, 0.01)
    expect(farOnly.timeWithRecordsAbove(10)).toBeCloseTo(3_000)
  })
})
