import assert from 'node:assert/strict'
import { test } from 'node:test'
import { HeraldError, HeraldErrorCode, InvalidConfigError, RateLimitedError } from '../../src/domain/errors.js'

test('InvalidConfigError names its source (a config file) and keeps its cause', () => {
  const cause = new Error('boom')
  const err = new InvalidConfigError([{ path: 'server.port', message: 'expected integer' }], { source: '/srv/herald.config.ts', cause })
  assert.equal(err.message, 'Invalid Herald configuration in /srv/herald.config.ts (1 problem):\n  - server.port: expected integer')
  assert.equal(err.source, '/srv/herald.config.ts')
  assert.equal(err.cause, cause)
  const plain = new InvalidConfigError([{ path: 'a', message: 'x' }, { path: 'b', message: 'y' }])
  assert.match(plain.message, /^Invalid Herald configuration \(2 problems\)/)
  assert.equal(plain.source, undefined)
  assert.equal('cause' in plain, false)
})

test('RateLimitedError carries a code and the seconds to wait', () => {
  const err = new RateLimitedError('App "a" is over its limit', 1)
  assert.ok(HeraldError.is(err, HeraldErrorCode.RateLimited))
  assert.equal(err.retryAfterSeconds, 1)
  assert.equal(err.message, 'App "a" is over its limit; retry after 1 s')
})
