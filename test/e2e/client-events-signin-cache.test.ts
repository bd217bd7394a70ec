import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { type Pusher } from './support/pusher-js.js'
import { RawClient } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

let server: TestHerald
let noClientEvents: TestHerald
const raws: RawClient[] = []
before(async () => {
  server = await startHerald({}, (app) => {
    app.post('/test/say', async (request) => {
      const broadcast = app.herald.broadcasting.channel('room')
      if (request.socketId !== null) broadcast.toOthers(request.socketId)
      await broadcast.broadcast('Said', { ok: true })
      return { socketId: request.socketId }
    })
  })
  noClientEvents = await startHerald({ env: { BROADCAST_APP_CLIENT_EVENTS: 'false' } })
})
after(async () => {
  for (const r of raws) r.close()
  await Promise.all([server.close(), noClientEvents.close()])
})

async function raw(s: TestHerald = server): Promise<RawClient> {
  const c = await RawClient.connect(s.port)
  raws.push(c)
  return c
}

async function subscribe(c: RawClient, channel: string, s: TestHerald = server, member?: { user_id: string }): Promise<void> {
  const auth = channel.startsWith('private-') || channel.startsWith('presence-') ? s.sdk.authorizeChannel(c.socketId, channel, member) : undefined
  c.send({ event: 'pusher:subscribe', data: { channel, ...(auth ?? { auth: '' }) } })
  await c.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel, `subscribed to ${channel}`)
}

function subscribed(pusher: Pusher, name: string): Promise<unknown> {
  const channel = pusher.subscribe(name)
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', resolve)
    channel.bind('pusher:subscription_error', reject)
  })
}

test('client events (pusher-js trigger) reach other subscribers, never the sender; data relayed as a JSON string', async () => {
  const a = await server.client()
  const b = await server.client()
  const observer = await raw()
  await Promise.all([subscribed(a, 'private-chat'), subscribed(b, 'private-chat'), subscribe(observer, 'private-chat')])
  const atA: unknown[] = []
  const atB: unknown[] = []
  a.channel('private-chat').bind('client-typing', (d: unknown) => atA.push(d))
  b.channel('private-chat').bind('client-typing', (d: unknown) => atB.push(d))
  assert.equal(a.channel('private-chat').trigger('client-typing', { name: 'Ann' }), true)
  await waitFor(() => atB.length === 1, { what: 'whisper at B' })
  const frame = await observer.next((f) => f.event === 'client-typing', 'whisper at the raw observer')
  assert.equal(frame.data, '{"name":"Ann"}')
  assert.equal(frame.user_id, undefined, 'no user_id on private channels')
  // A later server event proves A's listener was live and simply never received its own whisper.
  a.channel('private-chat').bind('Marker', () => atA.push('marker'))
  await server.sdk.trigger('private-chat', 'Marker', {})
  await waitFor(() => atA.length === 1, { what: 'marker at A' })
  assert.deepEqual(atA, ['marker'])
})

test('client events on presence carry the sender user_id', async () => {
  const sender = await raw()
  const receiver = await server.client({
    channelAuthorization: { endpoint: '/x', transport: 'ajax', customHandler: ({ socketId, channelName }, cb) => cb(null, server.sdk.authorizeChannel(socketId, channelName, { user_id: 'r' })) },
  })
  await subscribe(sender, 'presence-chat', server, { user_id: 'alice' })
  await subscribed(receiver, 'presence-chat')
  const got: { data: unknown; meta: unknown }[] = []
  receiver.channel('presence-chat').bind('client-wave', (data: unknown, meta: unknown) => got.push({ data, meta }))
  sender.send({ event: 'client-wave', channel: 'presence-chat', data: { hi: 1 } })
  await waitFor(() => got.length === 1, { what: 'wave with user_id' })
  assert.deepEqual(got[0], { data: { hi: 1 }, meta: { user_id: 'alice' } })
})

test('client events are refused (4301, socket open) on public channels, unsubscribed channels, or when the app turns them off', async () => {
  const c = await raw()
  await subscribe(c, 'public-room')
  const cases = [{ channel: 'public-room', why: /only allowed on private and presence/ }, { channel: 'private-not-mine', why: /subscribed/ }]
  for (const { channel, why } of cases) {
    const from = c.frames.length
    c.send({ event: 'client-x', channel, data: {} })
    const err = await c.next((f) => f.event === 'pusher:error', `4301 for ${channel}`, from)
    assert.equal(RawClient.data(err).code, 4301)
    assert.match(String(RawClient.data(err).message), why)
  }
  const off = await raw(noClientEvents)
  await subscribe(off, 'private-chat', noClientEvents)
  off.send({ event: 'client-x', channel: 'private-chat', data: {} })
  const err = await off.next((f) => f.event === 'pusher:error', '4301 when disabled')
  assert.match(String(RawClient.data(err).message), /disabled/)
  assert.equal(c.closed, undefined)
  assert.equal(off.closed, undefined)
})

test('client events above 10/s are rejected with 4301', async () => {
  const c = await raw()
  await subscribe(c, 'private-flood')
  for (let i = 0; i < 12; i++) c.send({ event: 'client-x', channel: 'private-flood', data: {} })
  const err = await c.next((f) => f.event === 'pusher:error', 'rate limit error')
  assert.match(String(RawClient.data(err).message), /rate limit/)
})

test('signin: signin_success, server-to-user events, terminate_connections', async () => {
  const pusher = await server.client({
    userAuthentication: { endpoint: '/x', transport: 'ajax', customHandler: ({ socketId }, cb) => cb(null, server.sdk.authenticateUser(socketId, { id: '7', user_info: { name: 'Sev' } })) },
  })
  pusher.signin()
  await pusher.user.signinDonePromise
  assert.equal(pusher.user.user_data?.id, '7')
  const got: unknown[] = []
  pusher.user.bind('Notice', (d: unknown) => got.push(d))
  await waitFor(() =>  pusher.user.serverToUserChannel?.subscribed, { what: '#server-to-user-7 subscription' })
  await server.sdk.sendToUser('7', 'Notice', { n: 1 })
  await waitFor(() => got.length === 1, { what: 'server-to-user event' })
  const closed = new Promise<unknown>((resolve) => pusher.connection.bind('state_change', (s: { current: string }) => s.current !== 'connected' && resolve(s.current)))
  await server.sdk.terminateUserConnections('7')
  await closed
})

test('a bad signin is pusher:error 4009 and close; #server-to-user of another user is refused', async () => {
  const c = await raw()
  c.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-7', auth: '' } })
  await c.next((f) => f.event === 'pusher:subscription_error', 'server-to-user refused')
  c.send({ event: 'pusher:signin', data: { user_data: '{"id":"7"}', auth: `${APP.key}:${'0'.repeat(64)}` } })
  const err = await c.next((f) => f.event === 'pusher:error', 'signin error')
  assert.equal(RawClient.data(err).code, 4009)
  assert.equal((await c.waitClosed()).code, 4009)
})

test('cache channels: cache_miss when empty, else the last event replayed to a new subscriber', async () => {
  const first = await raw()
  await subscribe(first, 'cache-prices')
  await first.next((f) => f.event === 'pusher:cache_miss' && f.channel === 'cache-prices', 'cache miss')
  await server.sdk.trigger('cache-prices', 'Price', { v: 1 })
  await server.sdk.trigger('cache-prices', 'Price', { v: 2 })
  const late = await server.client()
  const replayed: unknown[] = []
  const ch = late.subscribe('cache-prices')
  ch.bind('Price', (d: unknown) => replayed.push(d))
  await waitFor(() => replayed.length === 1, { what: 'cached event replay' })
  assert.deepEqual(replayed, [{ v: 2 }])
})

test('toOthers: X-Socket-ID on a host route excludes the sender', async () => {
  const sender = await raw()
  const other = await raw()
  await subscribe(sender, 'room')
  await subscribe(other, 'room')
  const res = await fetch(`http://127.0.0.1:${server.port}/test/say`, { method: 'POST', headers: { 'x-socket-id': sender.socketId } })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { socketId: sender.socketId })
  await other.next((f) => f.event === 'Said', 'other got the event')
  sender.send({ event: 'pusher:ping' })
  await sender.next((f) => f.event === 'pusher:pong', 'sender pong')
  assert.equal(sender.frames.some((f) => f.event === 'Said'), false)
})

test('pusher-js 8: a signed-in connection joins presence without channel_data, as its signed-in user', async () => {
  const pusher = await server.client({
    userAuthentication: { endpoint: '/x', transport: 'ajax', customHandler: ({ socketId }, cb) => cb(null, server.sdk.authenticateUser(socketId, { id: '55', user_info: { name: 'Signed' } })) },
    // The auth response carries no channel_data: the server must take the member from the sign-in.
    channelAuthorization: { endpoint: '/x', transport: 'ajax', customHandler: ({ socketId, channelName }, cb) => cb(null, { auth: server.sdk.authorizeChannel(socketId, channelName).auth }) },
  })
  pusher.signin()
  await pusher.user.signinDonePromise
  const members = (await subscribed(pusher, 'presence-signed')) as { me: { id: string }; members: Record<string, unknown> }
  assert.equal(members.me.id, '55')
  assert.deepEqual(members.members, { '55': { name: 'Signed' } })
  assert.deepEqual(await server.app.herald.hub.presenceUsers(APP.id, 'presence-signed'), ['55'])
  const anonymous = await raw()
  anonymous.send({ event: 'pusher:subscribe', data: { channel: 'presence-signed', auth: server.sdk.authorizeChannel(anonymous.socketId, 'presence-signed').auth } })
  const err = await anonymous.next((f) => f.event === 'pusher:subscription_error', 'no channel_data and not signed in')
  assert.match(String(RawClient.data(err).error), /channel_data/)
})
