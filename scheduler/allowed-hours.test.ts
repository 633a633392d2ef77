import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { localMinuteOfDay, parseAllowedHours, parseHoursWindow, withinAllowedHours } from './allowed-hours.js'
import { BiddingPolicyError } from './errors.js'

/** ms for a UTC time of day on 2025-01-15. */
const at = (hh: number, mm = 0): number => Date.UTC(2025, 0, 15, hh, mm)

describe('allowed hours', () => {
  it('parses windows, including ones that wrap past midnight and the whole day', () => {
    assert.deepEqual(parseHoursWindow('22:00-07:00'), { start: 1320, end: 420 })
    assert.deepEqual(parseHoursWindow(' 09:30-17:45 '), { start: 570, end: 1065 })
    assert.deepEqual(parseHoursWindow('00:00-24:00'), { start: 0, end: 1440 })
  })

  it('refuses what is not HH:MM-HH:MM with a typed error saying the format', () => {
    for (const bad of ['22-07', '25:00-07:00', '10:00-10:00', '24:00-01:00', '9:00-17:00', '10:60-11:00']) {
      assert.throws(
        () => parseAllowedHours([bad]),
        (err: unknown) =>
          err instanceof BiddingPolicyError &&
          err.code === 'ERR_BIDDING_POLICY' &&
          /22:00-07:00/.test(err.message),
        bad
      )
    }
  })

  it('a night window wraps: 23:30 and 06:59 in, 07:00 and 12:00 out', () => {
    const night = parseAllowedHours(['22:00-07:00'])
    assert.ok(withinAllowedHours(night, at(23, 30), 0))
    assert.ok(withinAllowedHours(night, at(6, 59), 0))
    assert.ok(withinAllowedHours(night, at(22, 0), 0))
    assert.ok(!withinAllowedHours(night, at(7, 0), 0))
    assert.ok(!withinAllowedHours(night, at(12, 0), 0))
  })

  it('uses local time: 21:00 UTC is 23:00 at UTC+2', () => {
    const night = parseAllowedHours(['22:00-07:00'])
    assert.ok(!withinAllowedHours(night, at(21), 0))
    assert.ok(withinAllowedHours(night, at(21), 120))
    assert.equal(localMinuteOfDay(at(1), -120), 23 * 60)
  })

  it('several windows; an empty list allows every hour', () => {
    const split = parseAllowedHours(['00:00-06:00', '12:00-13:00'])
    assert.ok(withinAllowedHours(split, at(12, 30), 0))
    assert.ok(!withinAllowedHours(split, at(9), 0))
    assert.ok(withinAllowedHours([], at(9), 0))
  })
})
