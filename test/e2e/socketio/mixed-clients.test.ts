import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import Echo from 'laravel-echo'
import { io, type Socket } from 'socket.io-client'
import { waitFor } from '../../helpers/wait-for.js'
import { Pusher } from '../support/pusher-js.js'
import { startHerald, type TestHerald } from '../support/start-herald.js'

interface User {
  id: string
  name: string
}
const users = new Map<string, User>([
  ['tok-ann', { id: '1', name: 'Ann' }],
  ['tok-bo', { id: '2', name: 'Bo' }],
  ['tok-cy', { id: '3', name: 'Cy' }],
])

let server: TestHerald
const closers: (() => void)[] = []
before(async () => {
  server = await startHerald(
    { socketio: true, authenticate: (request) => users.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null },
    (app) => {
      app.herald.channels.channel('chat', (user: User) => ({ id: user.id, name: user.name }))
    },
  )
})
after(async () => {
  for (const close of closers) close()
  await server.close()
})

type AnyEcho = Echo<'socket.io'> | Echo<'pusher'>

async function socketIoEcho(token: string): Promise<Echo<'socket.io'>> {
  const echo = new Echo<'socket.io'>({
    broadcaster: 'socket.io', host: `http://127.0.0.1:${server.port}`, client: io, auth: { headers: { Authorization: `Bearer ${token}` } }, forceNew: true,
  } as never)
  closers.push(() => echo.disconnect())
  await waitFor(() => echo.connector.socket.connected, { what: 'Echo (socket.io) to connect' })
  return echo
}

async function pusherEcho(token: string): Promise<Echo<'pusher'>> {
  const echo = new Echo<'pusher'>({
    broadcaster: 'pusher', key: 'app-key', cluster: 'mt1', wsHost: '127.0.0.1', wsPort: server.port, forceTLS: false, enabledTransports: ['ws'], disableStats: true,
    authEndpoint: `http://127.0.0.1:${server.port}/broadcasting/auth`, auth: { headers: { Authorization: `Bearer ${token}` } }, withoutInterceptors: true, Pusher,
  } as never)
  closers.push(() => echo.disconnect())
  await waitFor(() => echo.connector.pusher.connection.state === 'connected', { what: 'Echo (pusher) to connect' })
  return echo
}

function joinChat(echo: AnyEcho, who: string, log: string[]) {
  return echo.join('chat')
    .here((members: User[]) => log.push(`${who} here ${members.map((m) => m.name).sort().join(',')}`))
    .joining((m: User) => log.push(`${who} sees ${m.name} join`))
    .leaving((m: User) => log.push(`${who} sees ${m.name} leave`))
    .listenForWhisper('typing', (e: { name: string }) => log.push(`${who} heard ${e.name}`))
}

test('Pusher and Socket.IO clients on one presence channel see each other join, whisper and leave; the HTTP API counts both', async () => {
  const log: string[] = []
  const ann = await socketIoEcho('tok-ann')
  const bo = await pusherEcho('tok-bo')
  const annChat = joinChat(ann, 'ann', log)
  await waitFor(() => log.includes('ann here Ann'), { what: 'Ann (socket.io) here' })
  const boChat = joinChat(bo, 'bo', log)
  await waitFor(() => log.includes('bo here Ann,Bo'), { what: 'Bo (pusher) gets a roster with Ann' })
  await waitFor(() => log.includes('ann sees Bo join'), { what: 'Ann (socket.io) sees Bo (pusher) join' })
  const cy = await socketIoEcho('tok-cy')
  joinChat(cy, 'cy', log)
  await waitFor(() => log.includes('cy here Ann,Bo,Cy'), { what: 'Cy (socket.io) gets the roster' })
  await waitFor(() => log.includes('bo sees Cy join') && log.includes('ann sees Cy join'), { what: 'both see Cy join' })

  const users = await server.sdk.get({ path: '/channels/presence-chat/users' })
  assert.deepEqual(((await users.json()) as { users: { id: string }[] }).users.map((u) => u.id).sort(), ['1', '2', '3'])
  const info = await server.sdk.get({ path: '/channels/presence-chat', params: { info: 'user_count,subscription_count' } })
  assert.deepEqual(await info.json(), { occupied: true, user_count: 3, subscription_count: 3 })

  boChat.whisper('typing', { name: 'Bo' })
  await waitFor(() => log.includes('ann heard Bo') && log.includes('cy heard Bo'), { what: "Bo's whisper (pusher) at both Socket.IO clients" })
  annChat.whisper('typing', { name: 'Ann' })
  await waitFor(() => log.includes('bo heard Ann') && log.includes('cy heard Ann'), { what: "Ann's whisper (socket.io) at the others" })
  assert.deepEqual(log.filter((l) => ['ann heard Ann', 'bo heard Bo'].includes(l)), [], 'nobody heard their own whisper')

  bo.leave('chat')
  await waitFor(() => log.includes('ann sees Bo leave') && log.includes('cy sees Bo leave'), { what: 'the Socket.IO clients see Bo (pusher) leave, with his info' })
  cy.disconnect()
  await waitFor(() => log.includes('ann sees Cy leave'), { what: 'Ann sees Cy leave when his socket closes' })
  const after = await server.sdk.get({ path: '/channels/presence-chat', params: { info: 'user_count' } })
  assert.deepEqual(await after.json(), { occupied: true, user_count: 1 })
})

test('plain socket.io-client over long-polling and the upgrade: public events, non-JSON data, refused whispers', async () => {
  const socket: Socket = io(`http://127.0.0.1:${server.port}`, { forceNew: true })
  closers.push(() => socket.disconnect())
  await waitFor(() => socket.connected, { what: 'socket.io-client to connect over polling' })
  const got: unknown[][] = []
  const errors: unknown[][] = []
  socket.on('Headline', (...args: unknown[]) => got.push(args))
  socket.on('client_event_error', (...args: unknown[]) => errors.push(args))
  // Echo does not ask for an acknowledgement; a plain client may, and gets {ok} (or the refusal) when subscribed.
  assert.deepEqual(await socket.emitWithAck('subscribe', { channel: 'news' }), { ok: true })
  assert.equal((await server.app.herald.hub.channel('app-id', 'news')).subscriptionCount, 1)
  const refused = (await socket.emitWithAck('subscribe', { channel: 'private-x' })) as { ok: boolean; status: number }
  assert.deepEqual([refused.ok, refused.status], [false, 401])
  const encrypted = (await socket.emitWithAck('subscribe', { channel: 'private-encrypted-x' })) as { ok: boolean; status: number; error: string }
  assert.deepEqual([encrypted.ok, encrypted.status], [false, 400])
  assert.match(encrypted.error, /need pusher-js/)
  await server.sdk.trigger('news', 'Headline', { title: 'JSON' })
  await server.sdk.trigger('news', 'Headline', 'plain text')
  await waitFor(() => got.length === 2, { what: 'both Headlines' })
  assert.deepEqual(got, [['news', { title: 'JSON' }], ['news', 'plain text']])
  socket.emit('client event', { channel: 'news', event: 'client-typing', data: {} })
  await waitFor(() => errors.length === 1, { what: 'the refused whisper' })
  assert.deepEqual(errors, [['news', { error: 'Client events are only allowed on private and presence channels', code: 4301 }]])
  socket.emit('unsubscribe', { channel: 'news' })
  await waitFor(async () => !(await server.app.herald.hub.channel('app-id', 'news')).occupied, { what: 'the unsubscribe' })
})

test('connections are refused with connect_error: an unknown appKey (4001), over the quota shared with Pusher clients (4004)', async () => {
  const unknown = io(`http://127.0.0.1:${server.port}`, { forceNew: true, query: { appKey: 'nope' }, transports: ['websocket'] })
  closers.push(() => unknown.disconnect())
  const refused = await new Promise<{ message: string; data?: { code: number } }>((resolve) => unknown.once('connect_error', resolve))
  assert.equal(refused.data?.code, 4001)
  assert.match(refused.message, /App key "nope" does not exist/)

  const limited = await startHerald({ socketio: true, config: { apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret', maxConnections: 1 }] } })
  try {
    await limited.client()
    const over = io(`http://127.0.0.1:${limited.port}`, { forceNew: true, transports: ['websocket'] })
    closers.push(() => over.disconnect())
    const quota = await new Promise<{ message: string; data?: { code: number } }>((resolve) => over.once('connect_error', resolve))
    assert.equal(quota.data?.code, 4004)
  } finally {
    await limited.close()
  }
})

test('graceful shutdown: Socket.IO clients lose the transport (and would reconnect), and close() resolves', async () => {
  const other = await startHerald({ socketio: true, shutdownTimeoutMs: 2000 })
  const socket = io(`http://127.0.0.1:${other.port}`, { forceNew: true, transports: ['websocket'], reconnection: false })
  await waitFor(() => socket.connected, { what: 'connect' })
  const reasons: string[] = []
  socket.on('disconnect', (reason) => reasons.push(reason))
  await other.close()
  await waitFor(() => reasons.length === 1, { what: 'the disconnect' })
  assert.equal(reasons[0], 'transport close', 'a transport close, which socket.io-client reconnects after (not "io server disconnect")')
})

test('Socket.IO clients count in GET /metrics and in the presence limits, like Pusher clients', async () => {
  const other = await startHerald(
    { socketio: true, authenticate: (request) => users.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null, config: { server: { metrics: true }, apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret', maxPresenceMembers: 1 }] } },
    (app) => {
      app.herald.channels.channel('chat', (user: User) => ({ id: user.id, name: user.name }))
    },
  )
  try {
    const connect = async (token: string): Promise<Socket> => {
      const socket = io(`http://127.0.0.1:${other.port}`, { forceNew: true, transports: ['websocket'], auth: { headers: { Authorization: `Bearer ${token}` } } })
      closers.push(() => socket.disconnect())
      await waitFor(() => socket.connected, { what: 'connect' })
      return socket
    }
    const ann = await connect('tok-ann')
    const bo = await connect('tok-bo')
    assert.deepEqual(await ann.emitWithAck('subscribe', { channel: 'presence-chat' }), { ok: true })
    const full = (await bo.emitWithAck('subscribe', { channel: 'presence-chat' })) as { ok: boolean; status: number; type: string }
    assert.deepEqual([full.ok, full.status, full.type], [false, 4100, 'LimitReached'])
    const metrics = await (await fetch(`http://127.0.0.1:${other.port}/metrics`)).text()
    assert.match(metrics, /^herald_connections\{app="app-id"\} 2$/m)
    assert.match(metrics, /^herald_subscriptions\{app="app-id"\} 1$/m)
  } finally {
    await other.close()
  }
})
