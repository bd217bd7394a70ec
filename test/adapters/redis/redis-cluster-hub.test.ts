import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import herald from '../../../src/http/index.js'
import { RedisBroadcaster } from '../../../src/adapters/redis/redis-broadcaster.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { APP, connectClient, sdkFor, type ClusterClient } from '../../cluster/support/cluster-client.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'

/**
 * Keys and channels of this file carry their own prefix, so the file may share a Redis given by
 * REDIS_URL with other test files running at the same time.
 */
const PREFIX = `h4hub${process.pid}_`

/** An in-process Herald server in cluster mode (BROADCAST_CONNECTION=redis). */
async function startNode(env: Record<string, string>, config?: Record<string, unknown>): Promise<{ app: FastifyInstance; port: number }> {
  // tsx compiles the cluster modules on first use; on a loaded machine that exceeds Fastify's 10 s default.
  const app = Fastify({ logger: false, pluginTimeout: 30_000 })
  const appEnv = { BROADCAST_APP_ID: APP.id, BROADCAST_APP_KEY: APP.key, BROADCAST_APP_SECRET: APP.secret }
  await app.register(herald, { env: { BROADCAST_CONNECTION: 'redis', REDIS_PREFIX: PREFIX, ...appEnv, ...env }, ...(config === undefined ? {} : { config }) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { app, port: address.port }
}

/**
 * "Exactly once" without sleeping: after the event under test, a marker is published the same way;
 * events from one publisher keep their order through Redis, so once the marker arrived, any
 * duplicate of the first event would have arrived too.
 */
async function publishWithMarker(port: number, channel: string, event: string, data: unknown): Promise<void> {
  await sdkFor(port).trigger(channel, event, data)
  await sdkFor(port).trigger(channel, 'marker', {})
}

describe('RedisClusterHub: two in-process servers over one Redis', () => {
  let redis: TestRedis
  const nodes: { app: FastifyInstance; port: number }[] = []
  const clients: ClusterClient[] = []
  const client = async (node: number, userId?: string): Promise<ClusterClient> => {
    const c = await connectClient(nodes[node]!.port, userId)
    clients.push(c)
    return c
  }

  before(async () => {
    redis = await startRedis()
    nodes.push(await startNode({ REDIS_URL: redis.url }), await startNode({ REDIS_URL: redis.url }))
  })
  after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await Promise.all(nodes.map((n) => n.app.close()))
    await redis.stop()
  })

  test('an event published on one server reaches subscribers on both servers exactly once', async () => {
    const [a, b] = [await client(0), await client(1)]
    await a.join('orders')
    await b.join('orders')
    await publishWithMarker(nodes[0]!.port, 'orders', 'OrderShipped', { id: 1 })
    for (const c of [a, b]) {
      await waitFor(() => c.seen('orders', 'marker').length === 1, { what: 'the marker' })
      assert.deepEqual(
        c.seen('orders', 'OrderShipped').map((r) => r.data),
        [{ id: 1 }],
      )
    }
  })

  test('the redis driver from a process without a server reaches both servers, honouring toOthers', async (t) => {
    const [a, b] = [await client(0), await client(1)]
    await a.join('news')
    await b.join('news')
    const driver = new RedisBroadcaster({ url: redis.url, prefix: PREFIX, timeoutMs: 2000 })
    t.after(() => driver.close())
    await driver.broadcast({ channels: ['news'], event: 'Posted', payload: { n: 1 }, socketId: a.socketId })
    await driver.broadcast({ channels: ['news'], event: 'marker', payload: {} })
    for (const c of [a, b]) await waitFor(() => c.seen('news', 'marker').length === 1, { what: 'the marker' })
    assert.equal(a.seen('news', 'Posted').length, 0, 'the toOthers socket is skipped on its own server')
    assert.deepEqual(
      b.seen('news', 'Posted').map((r) => r.data),
      [{ n: 1 }],
    )
  })

  test("the server's own Broadcasting manager publishes through Redis only: once per subscriber", async () => {
    const [a, b] = [await client(0), await client(1)]
    await a.join('shipping')
    await b.join('shipping')
    const broadcasting = nodes[0]!.app.herald.broadcasting
    assert.equal(broadcasting.connection().constructor.name, 'RedisBroadcaster', 'the default connection is the redis driver')
    await broadcasting.channel('shipping').as('Shipped').with({ id: 3 }).send()
    await broadcasting.channel('shipping').as('marker').send()
    for (const c of [a, b]) {
      await waitFor(() => c.seen('shipping', 'marker').length === 1, { what: 'the marker' })
      assert.deepEqual(
        c.seen('shipping', 'Shipped').map((r) => r.data),
        [{ id: 3 }],
      )
    }
  })

  test('client events cross servers and skip their sender', async () => {
    const [a, b] = [await client(0), await client(1)]
    await a.join('private-room.1')
    await b.join('private-room.1')
    a.pusher.channel('private-room.1').trigger('client-typing', { who: 'a' })
    await waitFor(() => b.seen('private-room.1', 'client-typing').length === 1, { what: 'the client event on the other server' })
    // Through the sender's server: the same Redis connection that published the client event.
    await sdkFor(nodes[0]!.port).trigger('private-room.1', 'marker', {})
    await waitFor(() => a.seen('private-room.1', 'marker').length === 1, { what: 'the marker' })
    assert.equal(a.seen('private-room.1', 'client-typing').length, 0, 'the sender does not get its own client event')
    assert.deepEqual(b.seen('private-room.1', 'client-typing')[0]?.data, { who: 'a' })
  })

  test('presence is cluster-wide: one roster, member_added/removed once per user', async () => {
    const channel = 'presence-chat.1'
    const alice = await client(0, 'alice')
    await alice.join(channel)
    const bob = await client(1, 'bob')
    await bob.join(channel)
    const roster = bob.pusher.channel(channel) as unknown as { members: { count: number; each(f: (m: { id: string }) => void): void } }
    const ids: string[] = []
    roster.members.each((m) => ids.push(m.id))
    assert.deepEqual(ids.sort(), ['alice', 'bob'], "bob's roster lists alice from the other server")
    await waitFor(() => alice.seen(channel, 'pusher:member_added').length === 1, { what: 'member_added for bob on server 0' })

    // A second tab of bob on server 0: no new member anywhere.
    const bobTab = await client(0, 'bob')
    await bobTab.join(channel)
    const users = ((await (await sdkFor(nodes[1]!.port).get({ path: `/channels/${channel}/users` })).json()) as { users: { id: string }[] }).users
    assert.deepEqual(users.map((u) => u.id).sort(), ['alice', 'bob'])
    const info = (await (await sdkFor(nodes[0]!.port).get({ path: `/channels/${channel}`, params: { info: 'user_count,subscription_count' } })).json()) as Record<string, unknown>
    assert.equal(info['user_count'], 2)
    assert.equal(info['subscription_count'], 3)

    // bob closes one tab: still present. Closing the other: member_removed once.
    bob.pusher.disconnect()
    bobTab.pusher.disconnect()
    await waitFor(() => alice.seen(channel, 'pusher:member_removed').length === 1, { what: 'member_removed for bob' })
    // A marker through each server's connection: the announcements came from one of them.
    for (const n of nodes) await sdkFor(n.port).trigger(channel, 'marker', {})
    await waitFor(() => alice.seen(channel, 'marker').length === 2, { what: 'both markers' })
    assert.equal(alice.seen(channel, 'pusher:member_added').length, 1, 'bob was added once, not once per tab or server')
    assert.equal(alice.seen(channel, 'pusher:member_removed').length, 1)
    assert.deepEqual(alice.seen(channel, 'pusher:member_removed')[0]?.data, { id: 'bob', info: { name: 'bob' } })
  })

  test('HTTP API channel queries answer for the whole cluster', async () => {
    const [a, b] = [await client(0), await client(1)]
    await a.join('stats-room')
    await b.join('stats-room')
    const res = await sdkFor(nodes[0]!.port).get({ path: '/channels', params: { filter_by_prefix: 'stats-', info: 'subscription_count' } })
    assert.deepEqual(await res.json(), { channels: { 'stats-room': { subscription_count: 2 } } })
    b.pusher.unsubscribe('stats-room')
    await waitFor(
      async () => {
        const r = await sdkFor(nodes[1]!.port).get({ path: '/channels/stats-room', params: { info: 'subscription_count' } })
        return ((await r.json()) as { subscription_count?: number }).subscription_count === 1
      },
      { what: 'the count to drop to 1 after an unsubscribe on the other server' },
    )
  })

  test('terminate_connections closes the user on every server', async () => {
    const [carolA, carolB, dave] = [await client(0, 'carol'), await client(1, 'carol'), await client(1, 'dave')]
    for (const c of [carolA, carolB, dave]) await c.join('presence-term')
    await sdkFor(nodes[0]!.port).terminateUserConnections('carol')
    await Promise.all([carolA.closed(), carolB.closed()])
    assert.equal(dave.pusher.connection.state, 'connected', 'other users stay connected')
  })
})

describe('RedisClusterHub: Laravel-format messages with a key prefix', () => {
  test('a message a Laravel app publishes reaches pusher-js clients, with its socket excluded', async (t) => {
    const redis = await startRedis()
    const node = await startNode({}, { default: 'redis', connections: { redis: { driver: 'redis', url: redis.url, prefix: `laravel_database_${PREFIX}` } } })
    const raw = new Redis(redis.url)
    const clients: ClusterClient[] = []
    // One hook, in order: clients leave before the server closes (a closing server asks clients to reconnect).
    t.after(async () => {
      for (const c of clients) c.pusher.disconnect()
      raw.disconnect()
      await node.app.close()
      await redis.stop()
    })
    const [a, b] = [await connectClient(node.port), await connectClient(node.port)]
    clients.push(a, b)
    await a.join('private-orders.7')
    await b.join('private-orders.7')
    // Exactly what Illuminate\Broadcasting\Broadcasters\RedisBroadcaster publishes.
    await raw.publish(`laravel_database_${PREFIX}private-orders.7`, JSON.stringify({ event: 'App\\Events\\OrderShipped', data: { id: 7 }, socket: b.socketId }))
    // Without the prefix it is another app's channel, not ours.
    await raw.publish('private-orders.7', JSON.stringify({ event: 'Unprefixed', data: {}, socket: null }))
    await raw.publish(`laravel_database_${PREFIX}private-orders.7`, 'not json')
    await raw.publish(`laravel_database_${PREFIX}private-orders.7`, JSON.stringify({ event: 'marker', data: {}, socket: null }))
    for (const c of [a, b]) await waitFor(() => c.seen('private-orders.7', 'marker').length === 1, { what: 'the marker' })
    assert.deepEqual(
      a.seen('private-orders.7', 'App\\Events\\OrderShipped').map((r) => r.data),
      [{ id: 7 }],
    )
    assert.equal(b.seen('private-orders.7', 'App\\Events\\OrderShipped').length, 0, 'the socket named in the message is skipped')
    assert.equal(a.seen('private-orders.7', 'Unprefixed').length, 0)
  })
})

test('a heartbeat lifetime not longer than the heartbeat period is refused at start-up', async () => {
  const { RedisClusterHub } = await import('../../../src/adapters/redis/redis-cluster-hub.js')
  assert.throws(
    () => new RedisClusterHub({ redis: { prefix: '', timeoutMs: 1000, heartbeatMs: 1000, serverTtlMs: 1000 }, defaultAppId: 'a' }),
    (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidConfig) && /serverTtlMs/.test((err as Error).message),
  )
})

test('a server shutting down gracefully has its members removed on the others at once', async (t) => {
  const redis = await startRedis()
  const [stay, leave] = [await startNode({ REDIS_URL: redis.url }), await startNode({ REDIS_URL: redis.url })]
  const clients: ClusterClient[] = []
  t.after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await stay.app.close()
    await redis.stop()
  })
  const hana = await connectClient(stay.port, 'hana')
  const gus = await connectClient(leave.port, 'gus')
  clients.push(hana, gus)
  await hana.join('presence-bye')
  await gus.join('presence-bye')
  await waitFor(() => hana.seen('presence-bye', 'pusher:member_added').length === 1, { what: 'member_added for gus' })
  await leave.app.close()
  // Well inside the heartbeat lifetime: this is the shutdown's own leave, not the reaping of a dead server.
  await waitFor(() => hana.seen('presence-bye', 'pusher:member_removed').length === 1, { what: 'member_removed for gus', timeoutMs: 2000 })
  const users = (await (await sdkFor(stay.port).get({ path: '/channels/presence-bye/users' })).json()) as { users: { id: string }[] }
  assert.deepEqual(users.users, [{ id: 'hana' }])
})
