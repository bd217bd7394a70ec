// End to end through the real Herald plugin: the official `pusher` SDK publishes and queries over HTTP,
// real pusher-js clients (and one raw `ws` socket, to see the exact frame) receive.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import PusherServer from 'pusher'
import WebSocket from 'ws'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'
import herald from '../../../src/http/index.js'
import { waitFor } from '../../helpers/wait-for.js'
import { Pusher, type PusherOptions } from '../../e2e/support/pusher-js.js'

const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const
const tokens = new Map([
  ['token-1', { id: 1, name: 'Ann' }],
  ['token-2', { id: 2, name: 'Bob' }],
])

describe('Pusher HTTP API through the Herald plugin', () => {
  let fastify: FastifyInstance
  let port: number
  let sdk: PusherServer
  const clients: Pusher[] = []
  const sockets: WebSocket[] = []

  before(async () => {
    fastify = Fastify({ logger: false })
    await fastify.register(herald, {
      env: {},
      config: { apps: [{ ...APP }] },
      authorizer: new ChannelAuthorizer(),
      authenticate: (request) => tokens.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null,
    })
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    const address = fastify.server.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    port = address.port
    sdk = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(port), useTLS: false, timeout: 5000 })
  })
  after(async () => {
    for (const client of clients) client.disconnect()
    for (const socket of sockets) socket.terminate()
    await fastify.close()
  })

  async function client(overrides: Partial<PusherOptions> = {}): Promise<Pusher> {
    const pusher = new Pusher(APP.key, {
      cluster: 'mt1',
      wsHost: '127.0.0.1',
      wsPort: port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
      ...overrides,
    })
    clients.push(pusher)
    await waitFor(() => pusher.connection.state === 'connected', { what: 'pusher-js to connect' })
    return pusher
  }

  interface RawClient {
    socket: WebSocket
    socketId: string
    frames: Array<{ event: string; data?: unknown; channel?: string }>
  }

  /** A bare WebSocket speaking the protocol by hand, to see frames exactly as sent. */
  async function rawClient(): Promise<RawClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/app/${APP.key}?protocol=7&client=js&version=8.0.0`)
    sockets.push(socket)
    const frames: RawClient['frames'] = []
    socket.on('message', (raw) => frames.push(JSON.parse(String(raw)) as { event: string }))
    const established = await waitFor(() => frames.find((f) => f.event === 'pusher:connection_established'), { what: 'connection_established' })
    const socketId = (JSON.parse(String(established.data)) as { socket_id: string }).socket_id
    return { socket, socketId, frames }
  }

  function subscribed(pusher: Pusher, name: string): Promise<unknown> {
    const channel = pusher.subscribe(name)
    return new Promise((resolve, reject) => {
      channel.bind('pusher:subscription_succeeded', resolve)
      channel.bind('pusher:subscription_error', reject)
    })
  }

  test('an event published with the pusher SDK reaches pusher-js; socket_id excludes that connection', async () => {
    const alice = await client()
    const bob = await client()
    await Promise.all([subscribed(alice, 'news'), subscribed(bob, 'news')])
    const got = { alice: [] as unknown[], bob: [] as unknown[] }
    alice.channel('news').bind('Headline', (data: unknown) => got.alice.push(data))
    bob.channel('news').bind('Headline', (data: unknown) => got.bob.push(data))

    await sdk.trigger('news', 'Headline', { n: 1 }, { socket_id: alice.connection.socket_id })
    await waitFor(() => got.bob.length === 1, { what: 'bob to receive event 1' })
    // Events on one connection arrive in order: once alice has event 2, she would already have had event 1.
    await sdk.trigger('news', 'Headline', { n: 2 })
    await waitFor(() => got.alice.length === 1 && got.bob.length === 2, { what: 'both to receive event 2' })
    assert.deepEqual(got, { alice: [{ n: 2 }], bob: [{ n: 1 }, { n: 2 }] })

    const channels = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'news', info: 'subscription_count' } })).json()
    assert.deepEqual(channels, { channels: { news: { subscription_count: 2 } } })
    const one = await (await sdk.get({ path: '/channels/news', params: { info: 'subscription_count' } })).json()
    assert.deepEqual(one, { occupied: true, subscription_count: 2 })
  })

  test('the data string reaches the socket byte for byte (never re-serialised)', async () => {
    const { socket, frames } = await rawClient()
    socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'raw-feed' } }))
    await waitFor(() => frames.some((f) => f.event === 'pusher_internal:subscription_succeeded'), { what: 'raw subscription' })

    const data = '{ "price" : 1.50,\n "name":"caf\\u00e9" }'
    await sdk.trigger('raw-feed', 'Tick', data)
    const frame = await waitFor(() => frames.find((f) => f.event === 'Tick'), { what: 'the Tick frame' })
    assert.deepEqual(frame, { event: 'Tick', channel: 'raw-feed', data })
  })

  test('presence users are listed; terminateUserConnections closes the signed-in user', async () => {
    const members = [
      ['7', 'Ann'],
      ['8', 'Bob'],
    ] as const
    for (const [userId, name] of members) {
      const pusher = await client({
        channelAuthorization: {
          endpoint: '/unused',
          transport: 'ajax',
          customHandler: ({ socketId, channelName }, callback) => callback(null, sdk.authorizeChannel(socketId, channelName, { user_id: userId, user_info: { name } })),
        },
      })
      await subscribed(pusher, 'presence-room')
    }
    const users = (await (await sdk.get({ path: '/channels/presence-room/users' })).json()) as { users: Array<{ id: string }> }
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['7', '8'])
    const counted = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json()
    assert.deepEqual(counted, { channels: { 'presence-room': { user_count: 2 } } })

    // pusher-js signs in through the real /broadcasting/user-auth endpoint.
    const signedIn = await client({
      userAuthentication: { endpoint: `http://127.0.0.1:${port}/broadcasting/user-auth`, transport: 'ajax', headers: { Authorization: 'Bearer token-1' } },
    })
    signedIn.signin()
    await signedIn.user.signinDonePromise
    assert.equal(signedIn.user.user_data?.id, '1')

    // A second user signs in over a raw socket and is terminated over the HTTP API. (A raw socket, because
    // pusher-js answers a 4009 close by starting a 30 s close timer that would keep the test process alive.)
    const raw = await rawClient()
    const userAuth = await fetch(`http://127.0.0.1:${port}/broadcasting/user-auth`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-2', 'content-type': 'application/x-www-form-urlencoded' },
      body: `socket_id=${raw.socketId}`,
      signal: AbortSignal.timeout(5000),
    })
    assert.equal(userAuth.status, 200)
    raw.socket.send(JSON.stringify({ event: 'pusher:signin', data: await userAuth.json() }))
    await waitFor(() => raw.frames.some((f) => f.event === 'pusher:signin_success'), { what: 'raw signin_success' })
    const closed = new Promise<number>((resolve) => raw.socket.once('close', (code) => resolve(code)))
    await sdk.terminateUserConnections('2')
    const code = await closed
    assert.ok(code >= 4000 && code < 5000, `closed with a Pusher close code (got ${code})`)
    assert.equal(signedIn.connection.state, 'connected', 'the other user stays connected')
  })

  test('a bad signature from a client with the wrong secret is refused with 401', async () => {
    const forger = new PusherServer({ appId: APP.id, key: APP.key, secret: 'wrong', host: '127.0.0.1', port: String(port), useTLS: false, timeout: 5000 })
    await assert.rejects(forger.trigger('news', 'x', {}), (err: { status?: number }) => err.status === 401)
  })
})
