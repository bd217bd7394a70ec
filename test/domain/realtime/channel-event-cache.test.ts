import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ChannelEventCache, isCacheChannel } from '../../../src/domain/realtime/channel-event-cache.js'

test('isCacheChannel: the four cache prefixes, and near misses', () => {
  for (const name of ['cache-x', 'private-cache-x', 'private-encrypted-cache-x', 'presence-cache-x']) assert.equal(isCacheChannel(name), true, name)
  for (const name of ['x-cache-x', 'presence-x', 'private-x', 'cachex', 'encrypted-cache-x']) assert.equal(isCacheChannel(name), false, name)
})

test('a cached frame is served until its TTL, then dropped; an update replaces it', () => {
  let now = 0
  const cache = new ChannelEventCache(1000, () => now)
  cache.remember('k', 'first')
  cache.remember('k', 'second')
  now = 1000
  assert.equal(cache.frame('k'), 'second', 'still fresh at exactly the TTL')
  now = 1001
  assert.equal(cache.frame('k'), undefined)
  assert.equal(cache.size, 0, 'an expired entry read is dropped')
  assert.equal(cache.frame('missing'), undefined)
})

test('expired entries nobody reads are dropped as new ones are written', () => {
  let now = 0
  const cache = new ChannelEventCache(1000, () => now)
  cache.remember('a', '1')
  cache.remember('b', '2')
  now = 600
  cache.remember('a', '3') // re-inserted at the back: 'b' is now the oldest
  now = 1500
  cache.remember('c', '4')
  assert.equal(cache.size, 2, "'b' (written at 0) expired and went; 'a' (600) stays")
  assert.equal(cache.frame('a'), '3')
})
