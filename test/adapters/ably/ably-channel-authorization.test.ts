import { test } from 'node:test'
import assert from 'node:assert/strict'
import { authorizeAblyChannel } from '../../../src/adapters/ably/ably-channel-authorization.js'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'

interface User {
  id: number
  name: string
  orders: string[]
}

const KEY = 'appid.keyid:secret-s'
const ada: User = { id: 7, name: 'Ada', orders: ['42'] }

function rules(): ChannelAuthorizer<User> {
  return new ChannelAuthorizer<User>({ key: 'pusher-key', secret: 'pusher-secret' })
    .channel('orders.{orderId}', (user, { orderId }) => user.orders.includes(orderId))
    .channel('chat.{room}', (user) => ({ id: user.id, name: user.name }))
    .channel('limited.{room}', (user) => ({ id: user.id, name: user.name, capability: ['subscribe', 'presence'] }))
    .channel('broken.{room}', (user) => ({ id: user.id, capability: 'everything' }))
}

function claimsOf(token: string): { clientId: string | null; capability: Record<string, string[]> } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
  return { clientId: payload['x-ably-clientId'] as string | null, capability: JSON.parse(payload['x-ably-capability'] as string) as Record<string, string[]> }
}

test('a private channel the rules allow: token for private:orders.42 with the user as clientId', async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'private:orders.42' })
  assert.ok(result.allowed)
  const { clientId, capability } = claimsOf(result.body.token)
  assert.equal(clientId, '7')
  assert.deepEqual(capability['private:orders.42'], ['*'])
  assert.equal(result.body.info, undefined)
})

test('a private channel the rules refuse: the denial, no token', async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'private:orders.43' })
  assert.equal(result.allowed, false)
  assert.equal(!result.allowed && result.reason, 'denied')
})

test('a guest on a private channel is unauthenticated', async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: null, channelName: 'private:orders.42' })
  assert.equal(!result.allowed && result.reason, 'unauthenticated')
})

test('presence: member info comes back as info, the member id as clientId', async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'presence:chat.1' })
  assert.ok(result.allowed)
  assert.deepEqual(result.body.info, { id: 7, name: 'Ada' })
  const { clientId, capability } = claimsOf(result.body.token)
  assert.equal(clientId, '7')
  assert.deepEqual(capability['presence:chat.1'], ['*'])
})

test("presence: a 'capability' in the member info limits the grant and is removed from info", async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'presence:limited.1' })
  assert.ok(result.allowed)
  assert.deepEqual(result.body.info, { id: 7, name: 'Ada' })
  assert.deepEqual(claimsOf(result.body.token).capability['presence:limited.1'], ['subscribe', 'presence'])
})

test("a malformed 'capability' is refused rather than widened to ['*']", async () => {
  const result = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'presence:broken.1' })
  assert.equal(!result.allowed && result.reason, 'invalid-member')
})

test('the connection token: public channels only, clientId of the user (or null for a guest)', async () => {
  const user = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: null })
  const guest = await authorizeAblyChannel(rules(), { key: KEY }, { user: null })
  assert.ok(user.allowed && guest.allowed)
  assert.deepEqual(claimsOf(user.body.token), { clientId: '7', capability: { 'public:*': ['subscribe', 'history', 'channel-metadata'] } })
  assert.equal(claimsOf(guest.body.token).clientId, null)
})

test('a second channel extends the token the client sent', async () => {
  const first = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'private:orders.42' })
  assert.ok(first.allowed)
  const second = await authorizeAblyChannel(rules(), { key: KEY }, { user: ada, channelName: 'presence:chat.1', token: first.body.token })
  assert.ok(second.allowed)
  assert.deepEqual(Object.keys(claimsOf(second.body.token).capability).sort(), ['presence:chat.1', 'private:orders.42', 'public:*'])
})
