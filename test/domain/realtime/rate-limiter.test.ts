import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RateLimiter } from '../../../src/domain/realtime/rate-limiter.js'

describe('RateLimiter', () => {
  test('allows `limit` hits per key per window, refuses the next without counting it, and starts over', () => {
    let now = 10_000
    const limiter = new RateLimiter({ now: () => now })
    assert.deepEqual([1, 2, 3].map(() => limiter.take('a', 2)), [true, true, false])
    assert.equal(limiter.take('b', 2), true, 'keys are counted apart')
    now = 10_999
    assert.equal(limiter.take('a', 2), false)
    assert.equal(limiter.retryAfterMs(), 1)
    now = 11_000
    assert.equal(limiter.retryAfterMs(), 1000)
    assert.equal(limiter.take('a', 2), true)
    assert.deepEqual([...limiter.lastWindow()], [['a', 2], ['b', 1]], 'refused hits are not counted')
  })

  test('the last window is forgotten after a quiet window', () => {
    let now = 0
    const limiter = new RateLimiter({ now: () => now, windowMs: 100 })
    limiter.take('a', 5)
    now = 150
    assert.deepEqual([...limiter.lastWindow()], [['a', 1]])
    now = 350
    assert.deepEqual([...limiter.lastWindow()], [])
  })

  test('hits elsewhere in a cluster count against the limit', () => {
    const limiter = new RateLimiter({ now: () => 0, elsewhere: (key) => (key === 'a' ? 2 : 0) })
    assert.equal(limiter.take('a', 3), true)
    assert.equal(limiter.take('a', 3), false)
    assert.equal(limiter.take('b', 3), true)
  })

  test('defaults: a one-second window on the wall clock', () => {
    const limiter = new RateLimiter()
    assert.equal(limiter.take('a', 1), true)
    assert.ok(limiter.retryAfterMs() > 0 && limiter.retryAfterMs() <= 1000)
  })
})
