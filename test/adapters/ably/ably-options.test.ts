import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Value } from 'typebox/value'
import { AblyOptionsSchema } from '../../../src/adapters/ably/ably-options.js'

test('defaults: 10 s timeout, 1 h tokens, public channels on', () => {
  const options = Value.Default(AblyOptionsSchema, { key: 'app.key:secret' }) as Record<string, unknown>
  assert.ok(Value.Check(AblyOptionsSchema, options))
  assert.equal(options['timeoutMs'], 10000)
  assert.equal(options['tokenTtlMs'], 3600000)
  assert.equal(options['publicChannels'], true)
})

test("refuses a key without 'name:secret', and unknown keys", () => {
  const base = { timeoutMs: 1000, tokenTtlMs: 60000, publicChannels: true }
  assert.equal(Value.Check(AblyOptionsSchema, { ...base, key: 'no-secret' }), false)
  assert.equal(Value.Check(AblyOptionsSchema, { ...base, key: 'a.b:' }), false)
  assert.equal(Value.Check(AblyOptionsSchema, { ...base, key: 'a.b:c', restHost: 'x' }), false)
  assert.ok(Value.Check(AblyOptionsSchema, { ...base, key: 'a.b:c', endpoint: '127.0.0.1', port: 8080, tls: false }))
})
