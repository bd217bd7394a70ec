import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ClusterKeys, channelField, decodePresenceEntry, encodePresenceEntry, escapeGlob, parseChannelField } from '../../../src/adapters/redis/cluster-keys.js'

test('keys carry the prefix and a hash tag per presence channel', () => {
  const keys = new ClusterKeys('laravel_database_')
  assert.equal(keys.control, 'laravel_database_herald:control')
  assert.deepEqual(keys.presence('app', 'presence-chat.1'), [
    'laravel_database_herald:presence:{app:presence-chat.1}:conns',
    'laravel_database_herald:presence:{app:presence-chat.1}:users',
    'laravel_database_herald:presence:{app:presence-chat.1}:info',
  ])
})

test('a prefix is matched literally by PSUBSCRIBE', () => {
  assert.equal(escapeGlob('a*b?c[d]e\\'), 'a\\*b\\?c\\[d\\]e\\\\')
  assert.equal(escapeGlob('laravel_database_'), 'laravel_database_')
})

test('fields and entries round-trip; foreign values are ignored', () => {
  assert.deepEqual(parseChannelField(channelField('app', 'private-x')), { appId: 'app', channel: 'private-x' })
  assert.equal(parseChannelField('no-separator'), undefined)
  const entry = { appId: 'a', channel: 'presence-c', socketId: '1.2', userId: 'u' }
  assert.deepEqual(decodePresenceEntry(encodePresenceEntry(entry)), entry)
  for (const raw of ['x', '[1,2,3,4]', '["a","b"]']) assert.equal(decodePresenceEntry(raw), undefined)
})
