import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Value } from 'typebox/value'
import { PusherOptionsSchema } from '../../../src/adapters/pusher/pusher-options.js'

test('defaults: 10 s timeout and 10 KB payload limit', () => {
  const options = Value.Default(PusherOptionsSchema, { appId: '1', key: 'k', secret: 's', cluster: 'eu' })
  assert.ok(Value.Check(PusherOptionsSchema, options))
  assert.equal((options as { timeoutMs: number }).timeoutMs, 10000)
  assert.equal((options as { maxPayloadSize: number }).maxPayloadSize, 10240)
})

test('refuses an unknown scheme, a bad port, a missing secret and unknown keys', () => {
  const base = { appId: '1', key: 'k', secret: 's', timeoutMs: 1000, maxPayloadSize: 10240 }
  assert.ok(Value.Check(PusherOptionsSchema, { ...base, host: 'herald.test', port: 6001, scheme: 'http' }))
  assert.equal(Value.Check(PusherOptionsSchema, { ...base, scheme: 'ws' }), false)
  assert.equal(Value.Check(PusherOptionsSchema, { ...base, port: 70000 }), false)
  assert.equal(Value.Check(PusherOptionsSchema, { ...base, secret: '' }), false)
  assert.equal(Value.Check(PusherOptionsSchema, { ...base, clustr: 'eu' }), false)
})
