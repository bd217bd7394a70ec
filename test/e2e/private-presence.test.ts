import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import PusherServer from 'pusher'
import { waitFor } from '../helpers/wait-for.js'
import { type Pusher } from './support/pusher-js.js'
import { RawClient } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

const masterKey = randomBytes(32).toString('base64')
let server: TestHerald
let sdk: PusherServer
const raws: RawClient[] = []
before(async () => {
  server = await startHerald({ config: { apps: [{ ...APP, encryptionMasterKey: masterKey }] } })
  sdk = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(server.port), useTLS: false, encryptionMasterKeyBase64: masterKey })
})
after(async () => {
  for (const r of raws) r.close()
  await server.close()
})

function subscribed(pusher: Pusher, name: string): Promise<unknown> {
  const channel = pusher.subscribe(name)
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', resolve)
    channel.bind('pusher:subscription_error', reject)
  })
}

/** A pusher-js client whose presence identity is `userId`. */
async function presenceClient(userId: string, name: string): Promise<Pusher> {
  return server.client({
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        callback(null, sdk.authorizeChannel(socketId, channelName, { user_id: userId, user_info: { name } }))
      },
    },
  })
}

test('private channel: signed subscription succeeds and receives SDK events', async () => {
  const pusher = await server.client()
  await subscribed(pusher, 'private-orders.1')
  const got: unknown[] = []
  pusher.channel('private-orders.1').bind('Shipped', (d: unknown) => got.push(d))
  await sdk.trigger('private-orders.1', 'Shipped', { id: 1 })
  await waitFor(() => got.length === 1, { what: 'private event' })
  assert.deepEqual(got, [{ id: 1 }])
})

test('forged or missing auth → subscription_error {type:AuthError, status:401}; the socket stays open', async () => {
  const raw = await RawClient.connect(server.port)
  raws.push(raw)
  raw.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: '' } })
  const missing = await raw.next((f) => f.event === 'pusher:subscription_error', 'missing-auth error')
  assert.equal(missing.channel, 'private-x')
  assert.equal(typeof missing.data, 'string')
  assert.deepEqual({ ...RawClient.data(missing), error: 'x' }, { type: 'AuthError', error: 'x', status: 401 })
  const forged = sdk.authorizeChannel('1.1', 'private-x').auth // signed for another socket id
  const from = raw.frames.length
  raw.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: forged } })
  const bad = await raw.next((f) => f.event === 'pusher:subscription_error', 'forged-auth error', from)
  assert.equal(RawClient.data(bad).status, 401)
  const wrongSecret = new PusherServer({ appId: APP.id, key: APP.key, secret: 'other', host: 'x' }).authorizeChannel(raw.socketId, 'private-x').auth
  const from2 = raw.frames.length
  raw.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: wrongSecret } })
  await raw.next((f) => f.event === 'pusher:subscription_error', 'wrong-secret error', from2)
  raw.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: sdk.authorizeChannel(raw.socketId, 'private-x').auth } })
  await raw.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'a correct auth still works on the same socket')
  assert.equal(raw.closed, undefined)
})

test('pusher-js surfaces a forged auth as a channel subscription_error', async () => {
  const pusher = await server.client({
    channelAuthorization: { endpoint: '/unused', transport: 'ajax', customHandler: (_p, cb) => cb(null, { auth: `${APP.key}:${'0'.repeat(64)}` }) },
  })
  const error = await subscribed(pusher, 'private-forged').then(() => undefined, (e: unknown) => e)
  assert.deepEqual({ ...(error as object), error: 'x' }, { type: 'AuthError', error: 'x', status: 401 })
  assert.equal(pusher.connection.state, 'connected')
})

test('presence: roster, member_added/removed across clients, two tabs are one member', async () => {
  const ann = await presenceClient('1', 'Ann')
  await subscribed(ann, 'presence-room')
  const events: string[] = []
  const annChannel = ann.channel('presence-room')
  annChannel.bind('pusher:member_added', (m: { id: string; info: unknown }) => events.push(`added ${m.id} ${JSON.stringify(m.info)}`))
  annChannel.bind('pusher:member_removed', (m: { id: string }) => events.push(`removed ${m.id}`))
  const bo1 = await presenceClient('2', 'Bo')
  const members = (await subscribed(bo1, 'presence-room')) as { count: number; me: { id: string }; members: Record<string, unknown> }
  assert.equal(members.count, 2)
  assert.equal(members.me.id, '2')
  assert.deepEqual(members.members, { '1': { name: 'Ann' }, '2': { name: 'Bo' } })
  await waitFor(() => events.length === 1, { what: 'member_added for Bo' })
  const bo2 = await presenceClient('2', 'Bo')
  await subscribed(bo2, 'presence-room')
  assert.deepEqual(await server.app.herald.hub.presenceUsers(APP.id, 'presence-room'), ['1', '2'])
  bo1.disconnect()
  await waitFor(async () => (await server.app.herald.hub.channel(APP.id, 'presence-room')).subscriptionCount === 2, { what: 'first tab gone' })
  bo2.unsubscribe('presence-room')
  await waitFor(() => events.length === 2, { what: 'member_removed for Bo' })
  assert.deepEqual(events, ['added 2 {"name":"Bo"}', 'removed 2'])
})

test('encrypted channel: the client decrypts what the server relayed', async () => {
  const pusher = await server.client({
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, cb) => cb(null, sdk.authorizeChannel(socketId, channelName)),
    },
  })
  await subscribed(pusher, 'private-encrypted-vault')
  const got: unknown[] = []
  pusher.channel('private-encrypted-vault').bind('Secret', (d: unknown) => got.push(d))
  const raw = await RawClient.connect(server.port)
  raws.push(raw)
  raw.send({ event: 'pusher:subscribe', data: { channel: 'private-encrypted-vault', auth: sdk.authorizeChannel(raw.socketId, 'private-encrypted-vault').auth } })
  await raw.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'raw subscribed')
  await sdk.trigger('private-encrypted-vault', 'Secret', { code: 'xyzzy' })
  await waitFor(() => got.length === 1, { what: 'decrypted event' })
  assert.deepEqual(got, [{ code: 'xyzzy' }])
  const relayed = await raw.next((f) => f.event === 'Secret', 'relayed ciphertext')
  const wire = RawClient.data(relayed)
  assert.ok(typeof wire.ciphertext === 'string' && typeof wire.nonce === 'string', 'the server relays ciphertext, never plaintext')
})
