import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import Echo from 'laravel-echo'
import { io } from 'socket.io-client'
import { waitFor } from '../../helpers/wait-for.js'
import { startOrdersChatApp, type User } from '../support/orders-chat-app.js'
import type { TestHerald } from '../support/start-herald.js'

let server: TestHerald
const echos: Echo<'socket.io'>[] = []
before(async () => {
  server = await startOrdersChatApp({ socketio: true })
})
after(async () => {
  for (const e of echos) e.disconnect()
  await server.close()
})

/** A laravel-echo client with its socket.io connector, over socket.io-client 4, as `token`'s user. */
async function echo(token: string): Promise<Echo<'socket.io'>> {
  const instance = new Echo<'socket.io'>({
    broadcaster: 'socket.io',
    host: `http://127.0.0.1:${server.port}`,
    client: io,
    // Echo hands its options to io(): its own `auth.headers` go with every subscribe (and the handshake).
    auth: { headers: { Authorization: `Bearer ${token}` } },
    transports: ['websocket'],
    forceNew: true,
  } as never)
  echos.push(instance)
  await waitFor(() => instance.connector.socket.connected, { what: 'Echo (socket.io) to connect' })
  return instance
}

async function subscribers(channel: string): Promise<number> {
  return (await server.app.herald.hub.channel('app-id', channel)).subscriptionCount
}

test('Echo socket.io: the socket id is in Pusher form, so X-Socket-ID passes as request.socketId', async () => {
  const client = await echo('tok-ann')
  assert.match(client.socketId() ?? '', /^\d+\.\d+$/)
})

test('Echo socket.io: a public channel gets a server event as (event, channel, data)', async () => {
  const client = await echo('tok-ann')
  const got: unknown[] = []
  client.channel('news').listen('.Headline', (e: unknown) => got.push(e))
  await waitFor(async () => (await subscribers('news')) === 1, { what: 'the news subscription' })
  await server.app.herald.broadcasting.channel('news').broadcast('Headline', { title: 'Hi', n: 1 })
  await waitFor(() => got.length === 1, { what: 'Headline at the Echo client' })
  assert.deepEqual(got, [{ title: 'Hi', n: 1 }])
})

test('Echo socket.io: a private channel authorized through the app rules; toOthers excludes the sender', async () => {
  const listener = await echo('tok-ann')
  const sender = await echo('tok-ann')
  const atListener: unknown[] = []
  const atSender: unknown[] = []
  listener.private('orders.100').listen('.OrderShipped', (e: unknown) => atListener.push(e))
  sender.private('orders.100').listen('.OrderShipped', (e: unknown) => atSender.push(e))
  await waitFor(async () => (await subscribers('private-orders.100')) === 2, { what: 'both private subscriptions' })
  const res = await fetch(`http://127.0.0.1:${server.port}/ship`, { method: 'POST', headers: { 'X-Socket-ID': sender.socketId() ?? '' } })
  assert.equal(res.status, 200)
  await waitFor(() => atListener.length === 1, { what: 'OrderShipped at the listener' })
  assert.deepEqual(atListener, [{ id: 100 }])
  await server.app.herald.broadcasting.private('orders.100').broadcast('OrderShipped', { id: 'marker' })
  await waitFor(() => atSender.length === 1, { what: 'the marker event at the sender' })
  assert.deepEqual(atSender, [{ id: 'marker' }], 'the toOthers broadcast never reached the sender')
})

test('Echo socket.io: a refused private channel gets subscription_error and is never joined', async () => {
  const stranger = await echo('tok-nobody')
  const denied = await echo('tok-bo')
  const errors: [string, string, { status: number; type: string }][] = []
  stranger.connector.socket.on('subscription_error', (channel: string, err: { status: number; type: string }) => errors.push(['stranger', channel, err]))
  denied.connector.socket.on('subscription_error', (channel: string, err: { status: number; type: string }) => errors.push(['bo', channel, err]))
  const heard: unknown[] = []
  stranger.private('orders.300').listen('.OrderShipped', (e: unknown) => heard.push(e))
  denied.private('orders.300').listen('.OrderShipped', (e: unknown) => heard.push(e))
  await waitFor(() => errors.length === 2, { what: 'both subscription errors' })
  assert.deepEqual(errors.map(([who, channel, e]) => [who, channel, e.status, e.type]).sort(), [
    ['bo', 'private-orders.300', 403, 'AuthError'],
    ['stranger', 'private-orders.300', 401, 'AuthError'],
  ])
  assert.equal(await subscribers('private-orders.300'), 0)
  await server.app.herald.broadcasting.private('orders.300').broadcast('OrderShipped', { id: 300 })
  await server.app.herald.broadcasting.channel('news').broadcast('Flush', {})
  assert.deepEqual(heard, [])
})

test('Echo socket.io presence: here/joining/leaving with member info, whispers relayed and never echoed', async () => {
  const ann = await echo('tok-ann')
  const bo = await echo('tok-bo')
  const log: string[] = []
  const annChat = ann.join('chat')
    .here((members: User[]) => log.push(`here ${members.map((m) => m.name).join(',')}`))
    .joining((m: User) => log.push(`joining ${m.name}`))
    .leaving((m: User) => log.push(`leaving ${m.name}`))
    .listenForWhisper('typing', (e: { name: string }) => log.push(`ann heard ${e.name}`))
  await waitFor(() => log.includes('here Ann'), { what: 'Ann here' })
  const boHere: string[] = []
  const boChat = bo.join('chat').here((members: User[]) => boHere.push(members.map((m) => m.name).sort().join(',')))
  boChat.listenForWhisper('typing', () => log.push('bo heard himself'))
  await waitFor(() => boHere.length === 1, { what: 'Bo here' })
  assert.deepEqual(boHere, ['Ann,Bo'])
  await waitFor(() => log.includes('joining Bo'), { what: 'Ann sees Bo joining' })
  assert.deepEqual((await server.app.herald.hub.presenceUsers('app-id', 'presence-chat')).sort(), ['1', '2'])
  boChat.whisper('typing', { name: 'Bo' })
  await waitFor(() => log.includes('ann heard Bo'), { what: 'whisper at Ann' })
  annChat.whisper('typing', { name: 'Ann' })
  bo.leave('chat')
  await waitFor(() => log.includes('leaving Bo'), { what: 'Ann sees Bo leaving' })
  assert.equal(log.includes('bo heard himself'), false)
})

test("terminate_connections (HTTP API) disconnects a present Socket.IO user's socket for good (io server disconnect)", async () => {
  const bo = await echo('tok-bo')
  const here: unknown[] = []
  bo.join('chat').here((members: unknown[]) => here.push(members))
  await waitFor(() => here.length === 1, { what: 'Bo here' })
  const reasons: string[] = []
  bo.connector.socket.on('disconnect', (reason: string) => reasons.push(reason))
  await server.sdk.terminateUserConnections('2')
  await waitFor(() => reasons.length === 1, { what: "Bo's disconnect" })
  assert.deepEqual(reasons, ['io server disconnect'], 'a server disconnect, which socket.io-client does not retry')
  await waitFor(async () => !(await server.app.herald.hub.presenceUsers('app-id', 'presence-chat')).includes('2'), { what: 'Bo gone from the roster' })
})
