import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromAblyChannelName, isGuardedAblyChannel, toAblyChannelName } from '../../../src/adapters/ably/ably-channel-names.js'
import { formatAblySocketId, parseAblySocketId } from '../../../src/adapters/ably/ably-socket-id.js'

test("maps wire names to Laravel's Ably channel names", () => {
  assert.equal(toAblyChannelName('private-orders.1'), 'private:orders.1')
  assert.equal(toAblyChannelName('presence-chat.1'), 'presence:chat.1')
  assert.equal(toAblyChannelName('orders'), 'public:orders')
  assert.equal(toAblyChannelName('private-encrypted-x'), 'private:encrypted-x', 'only the first prefix, as Laravel')
  assert.equal(toAblyChannelName('private-private-x'), 'private:private-x')
  assert.equal(toAblyChannelName('privateer'), 'public:privateer', 'a prefix needs its dash')
})

test('maps Ably names back to wire names', () => {
  assert.equal(fromAblyChannelName('private:orders.1'), 'private-orders.1')
  assert.equal(fromAblyChannelName('presence:chat.1'), 'presence-chat.1')
  assert.equal(fromAblyChannelName('public:orders'), 'orders')
  assert.equal(fromAblyChannelName('orders'), 'orders')
  for (const wire of ['a', 'private-a.b', 'presence-c', 'private-encrypted-d']) assert.equal(fromAblyChannelName(toAblyChannelName(wire)), wire)
})

test('private: and presence: are guarded, public: is not', () => {
  assert.equal(isGuardedAblyChannel('private:x'), true)
  assert.equal(isGuardedAblyChannel('presence:x'), true)
  assert.equal(isGuardedAblyChannel('public:x'), false)
  assert.equal(isGuardedAblyChannel('private-x'), false)
})

test("reads @ably/laravel-echo's base64url socket id, and takes anything else as a raw connection key", () => {
  const echoId = Buffer.from(JSON.stringify({ connectionKey: 'abc!def-1', clientId: '42' })).toString('base64url')
  assert.deepEqual(parseAblySocketId(echoId), { connectionKey: 'abc!def-1', clientId: '42' })
  const guest = formatAblySocketId({ connectionKey: 'k!1', clientId: null })
  assert.deepEqual(parseAblySocketId(guest), { connectionKey: 'k!1', clientId: null })
  assert.deepEqual(parseAblySocketId('1234.5678'), { connectionKey: '1234.5678', clientId: null })
  const noKey = Buffer.from(JSON.stringify({ clientId: 'x' })).toString('base64url')
  assert.deepEqual(parseAblySocketId(noKey), { connectionKey: noKey, clientId: null })
})
