import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import Echo from 'laravel-echo'
import { io, type Socket } from 'socket.io-client'
import { RedisBroadcaster } from '../../src/adapters/redis/redis-broadcaster.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { connectClient, sdkFor, type ClusterClient } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

/** This file's keys and channels carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h16sio${process.pid}_`
const users = new Map([['tok-ann', { id: '1', name: 'Ann' }], ['tok-bo', { id: '2', name: 'Bo' }]])

/**
 * The application's auth endpoint, as laravel-echo-server's `authHost` saw it: private channels answered in Pusher's
 * form (signed with the app's secret), presence in Laravel's redis broadcaster's (`{channel_data: {…}}`),
 * `private-secret` refused, `private-slow…` never answered.
 */
async function startAuthApp(): Promise<{ url: string; server: Server; seen: { authorization?: string; cookie?: string; form: string }[] }> {
  const sdk = sdkFor(1)
  const seen: { authorization?: string; cookie?: string; form: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }), ...(req.headers.cookie === undefined ? {} : { cookie: req.headers.cookie }), form: body })
      const form = new URLSearchParams(body)
      const channel = form.get('channel_name') ?? ''
      const user = users.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '')
      if (channel.startsWith('private-slow')) return
      const send = (status: number, answer: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
      }
      if (user === undefined) return send(401, { message: 'Unauthenticated.' })
      if (channel === 'private-secret') return send(403, { message: 'This action is unauthorized.' })
      if (channel.startsWith('presence-')) return send(200, { channel_data: { user_id: user.id, user_info: { name: user.name } } })
      send(200, sdk.authorizeChannel(form.get('socket_id') ?? '', channel))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { url: `http://127.0.0.1:${address.port}/broadcasting/auth`, server, seen }
}

interface IoClient {
  readonly socket: Socket
  readonly received: { event: string; channel: unknown; data: unknown }[]
  seen(channel: string, event: string): unknown[]
}

describe('two herald serve processes with Socket.IO, one Redis bus', () => {
  let redis: TestRedis
  let auth: Awaited<ReturnType<typeof startAuthApp>>
  let servers: HeraldProcess[] = []
  const closers: (() => void)[] = []

  const ioClient = async (server: number, token = 'tok-ann'): Promise<IoClient> => {
    const socket = io(`http://127.0.0.1:${servers[server]!.port}`, { forceNew: true, transports: ['websocket'], auth: { headers: { Authorization: `Bearer ${token}` } } })
    closers.push(() => socket.disconnect())
    const received: IoClient['received'] = []
    socket.onAny((event: string, channel: unknown, data: unknown) => received.push({ event, channel, data }))
    await waitFor(() => socket.connected, { what: `socket.io-client to connect to server ${server}`, timeoutMs: 15_000 })
    return { socket, received, seen: (channel, event) => received.filter((r) => r.channel === channel && r.event === event).map((r) => r.data) }
  }
  const subscriptions = async (channel: string): Promise<number> => {
    const res = await sdkFor(servers[0]!.port).get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } })
    return ((await res.json()) as { subscription_count?: number }).subscription_count ?? 0
  }

  before(async () => {
    redis = await startRedis()
    auth = await startAuthApp()
    const env = { REDIS_PREFIX: PREFIX, HERALD_SOCKETIO: 'true', HERALD_SOCKETIO_AUTH_URL: auth.url, HERALD_SOCKETIO_AUTH_TIMEOUT_MS: '500' }
    servers = await Promise.all([0, 1].map(() => spawnHerald(redis.url, env)))
  })
  after(async () => {
    for (const close of closers) close()
    await Promise.all(servers.map((s) => s.stop()))
    auth.server.close()
    await redis.stop()
  })

  test('events from either HTTP API and the redis driver reach Socket.IO clients on both servers exactly once; socket_id excludes across servers', async (t) => {
    const clients = [await ioClient(0), await ioClient(1), await ioClient(1)]
    for (const c of clients) c.socket.emit('subscribe', { channel: 'private-orders', auth: { headers: { Authorization: 'Bearer tok-ann' } } })
    await waitFor(async () => (await subscriptions('private-orders')) === 3, { what: 'three private subscriptions across the cluster', timeoutMs: 30_000 })
    assert.ok(auth.seen.every((s) => s.authorization === 'Bearer tok-ann'), "the auth endpoint got the client's headers")
    const driver = new RedisBroadcaster({ url: redis.url, prefix: PREFIX, timeoutMs: 2000 })
    t.after(() => driver.close())
    for (const [i, s] of servers.entries()) await sdkFor(s.port).trigger('private-orders', 'Api', { via: i })
    await driver.broadcast({ channels: ['private-orders'], event: 'Driver', payload: { via: 'redis' } })
    // toOthers: the third client's socket.io id, given to server 0's HTTP API, excludes it on server 1.
    await sdkFor(servers[0]!.port).trigger('private-orders', 'NotToThird', {}, { socket_id: clients[2]!.socket.id ?? '' })
    for (const s of servers) await sdkFor(s.port).trigger('private-orders', 'marker', {})
    await driver.broadcast({ channels: ['private-orders'], event: 'marker', payload: {} })
    for (const [i, c] of clients.entries()) {
      await waitFor(() => c.seen('private-orders', 'marker').length === 3, { what: `the three markers at client ${i}`, timeoutMs: 15_000 })
      assert.deepEqual(c.seen('private-orders', 'Api').map((d) => (d as { via: number }).via).sort(), [0, 1], `client ${i}`)
      assert.deepEqual(c.seen('private-orders', 'Driver'), [{ via: 'redis' }], `client ${i}`)
      assert.equal(c.seen('private-orders', 'NotToThird').length, i === 2 ? 0 : 1, `client ${i}`)
    }
  })

  test("herald serve asks HERALD_SOCKETIO_AUTH_URL: a refusal, an unauthenticated client and a timeout are subscription_errors; nothing is joined", async () => {
    const ann = await ioClient(0)
    const stranger = await ioClient(1, 'tok-nobody')
    ann.socket.emit('subscribe', { channel: 'private-secret' })
    ann.socket.emit('subscribe', { channel: 'private-slow' })
    stranger.socket.emit('subscribe', { channel: 'private-orders' })
    await waitFor(() => ann.received.filter((r) => r.event === 'subscription_error').length === 2 && stranger.received.some((r) => r.event === 'subscription_error'), {
      what: 'three subscription errors',
      timeoutMs: 15_000,
    })
    const statuses = [...ann.received, ...stranger.received].filter((r) => r.event === 'subscription_error').map((r) => [r.channel, (r.data as { status: number }).status])
    assert.deepEqual(statuses.sort(), [['private-orders', 401], ['private-secret', 403], ['private-slow', 504]])
    assert.equal(await subscriptions('private-secret'), 0)
    assert.equal(await subscriptions('private-slow'), 0)
  })

  test('a socket may have at most 16 auth requests in flight; the 17th is refused at once (429) without asking the app', async () => {
    const flooder = await ioClient(0)
    const asked = auth.seen.length
    const answers = await Promise.all(Array.from({ length: 17 }, (_, i) => flooder.socket.emitWithAck('subscribe', { channel: `private-slow-${i}` }) as Promise<{ status: number }>))
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array<number>(16).fill(504), 429].sort())
    assert.equal(auth.seen.length - asked, 16, 'the refused one never reached the auth endpoint')
  })

  test('presence across servers and protocols: a Socket.IO client sees a pusher-js user on the other server join and leave', async () => {
    const echo = new Echo<'socket.io'>({ broadcaster: 'socket.io', host: `http://127.0.0.1:${servers[0]!.port}`, client: io, auth: { headers: { Authorization: 'Bearer tok-ann' } }, transports: ['websocket'], forceNew: true } as never)
    closers.push(() => echo.disconnect())
    const log: string[] = []
    echo.join('room')
      .here((members: { name: string }[]) => log.push(`here ${members.map((m) => m.name).sort().join(',')}`))
      .joining((m: { name: string }) => log.push(`joining ${m.name}`))
      .leaving((m: { name: string }) => log.push(`leaving ${m.name}`))
    await waitFor(() => log.includes('here Ann'), { what: 'Ann here', timeoutMs: 15_000 })
    const bo: ClusterClient = await connectClient(servers[1]!.port, '2', { name: 'Bo' })
    closers.push(() => bo.pusher.disconnect())
    await bo.join('presence-room')
    const roster = bo.seen('presence-room', 'pusher:subscription_succeeded')
    assert.equal(roster.length, 1)
    await waitFor(() => log.includes('joining Bo'), { what: 'Ann (socket.io, server 0) sees Bo (pusher, server 1) join', timeoutMs: 15_000 })
    bo.pusher.unsubscribe('presence-room')
    await waitFor(() => log.includes('leaving Bo'), { what: 'Ann sees Bo leave, with his info', timeoutMs: 15_000 })
    assert.deepEqual(log, ['here Ann', 'joining Bo', 'leaving Bo'], 'each once')
  })
})
