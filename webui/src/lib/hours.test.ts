import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseHoursList } from './hours.js'

describe('parseHoursList', () => {
  it('reads comma-separated windows; empty means any time', () => {
    assert.deepEqual(parseHoursList(' 22:00-07:00 , 12:00-13:30'), {
      ok: true,
      windows: ['22:00-07:00', '12:00-13:30']
    })
    assert.deepEqual(parseHoursList(''), { ok: true, windows: [] })
    assert.deepEqual(parseHoursList('00:00-24:00'), { ok: true, windows: ['00:00-24:00'] })
  })

  it('names the window that is wrong', () => {
    for (const bad of ['25:00-07:00', 'night', '07:00-07:00', '24:00-01:00', '7-9']) {
      const parsed = parseHoursList(`22:00-23:00, ${bad}`)
      assert.equal(parsed.ok, false, bad)
      assert.ok(!parsed.ok && parsed.message.includes(bad))
    }
  })
})
