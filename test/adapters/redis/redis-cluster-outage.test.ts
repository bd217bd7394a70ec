import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import herald from '../../../src/http/index.js'
import { APP, connectClient, sdkFor, type ClusterClient } from '../../cluster/support/cluster-client.js'
import { startRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'

async function startNode(redisUrl: string): Promise<{ app: FastifyInstance; port: number }> {
  // tsx compiles the cluster modules on first use; on a loaded machine that exceeds Fastify's 10 s default.
  const app = Fastify({ logger: false, pluginTimeout: 30_000 })
  await app.register(herald, {
    env: { BROADCAST_CONNECTION: 'redis', REDIS_URL: redisUrl, BROADCAST_APP_ID: APP.id, BROADCAST_APP_KEY: APP.key, BROADCAST_APP_SECRET: APP.secret },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { app, port: address.port }
}

async function upStatus(app: FastifyInstance): Promise<string> {
  return (await app.inject({ method: 'GET', url: '/up' })).json<{ status: string }>().status
}

/** True once the server's command connection has noticed Redis is gone (not only its subscriber). */
async function disconnected(app: FastifyInstance): Promise<boolean> {
  return (await app.inject({ method: 'GET', url: '/up' })).json<{ cluster?: { connected: boolean } }>().cluster?.connected === false
}

function memberIds(c: ClusterClient, channel: string): string[] {
  const ids: string[] = []
  ;(c.pusher.channel(channel) as unknown as { members: { each(f: (m: { id: string }) => void): void } }).members.each((m) => ids.push(m.id))
  return ids.sort()
}

test('presence changes made while Redis is down reach the other servers once it is back', async (t) => {
  const redis = await startRedis({ private: true })
  const nodes = [await startNode(redis.url), await startNode(redis.url)]
  const clients: ClusterClient[] = []
  t.after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await Promise.all(nodes.map((n) => n.app.close()))
    await redis.stop()
  })
  const join = async (node: number, user: string): Promise<ClusterClient> => {
    const c = await connectClient(nodes[node]!.port, user)
    clients.push(c)
    await c.join('presence-p')
    return c
  }
  const alice = await join(0, 'alice')
  const bob = await join(1, 'bob')
  const carl = await join(0, 'carl')
  await waitFor(() => memberIds(bob, 'presence-p').join() === 'alice,bob,carl', { what: "bob's roster to list alice and carl" })

  await redis.stop()
  for (const n of nodes) await waitFor(() => disconnected(n.app), { what: 'GET /up to report Redis disconnected', timeoutMs: 10_000 })

  // While Redis is away: a join and a leave on server 0 are seen by server 0's own clients.
  const dan = await join(0, 'dan')
  assert.deepEqual(memberIds(dan, 'presence-p'), ['alice', 'carl', 'dan'], 'a join during the outage gets the local roster')
  carl.pusher.disconnect()
  // bob (server 1) is still connected, so alice keeps him; she sees carl leave and dan join.
  await waitFor(() => memberIds(alice, 'presence-p').join() === 'alice,bob,dan', { what: 'alice (same server) to see carl leave and dan join', timeoutMs: 10_000 })
  // Queries fall back to this server's own view instead of failing.
  const during = await sdkFor(nodes[0]!.port).get({ path: '/channels/presence-p/users' })
  assert.equal(during.status, 200)

  await redis.restart()
  for (const n of nodes) await waitFor(async () => (await upStatus(n.app)) === 'ok', { what: 'GET /up to recover', timeoutMs: 15_000 })
  // Reconciled by themselves: server 1's client learns of dan and of carl's departure.
  await waitFor(() => memberIds(bob, 'presence-p').join() === 'alice,bob,dan', { what: "bob's roster to converge after Redis returned", timeoutMs: 10_000 })
  await waitFor(() => memberIds(alice, 'presence-p').join() === 'alice,bob,dan', { what: "alice's roster to converge", timeoutMs: 10_000 })
  const users = (await (await sdkFor(nodes[1]!.port).get({ path: '/channels/presence-p/users' })).json()) as { users: { id: string }[] }
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob', 'dan'])
  const info = (await (await sdkFor(nodes[1]!.port).get({ path: '/channels/presence-p', params: { info: 'subscription_count' } })).json()) as Record<string, number>
  assert.equal(info['subscription_count'], 3, 'channel counts are registered again too')
})

test('presence announcements lost while a subscription was down are repaired from the roster in Redis', async (t) => {
  // Deterministic form of the race where a server re-registers and announces its members before
  // another server has re-subscribed: the roster in Redis changes with no announcement at all (as
  // if it was published while nobody listened), then the subscriptions drop and come back.
  const redis = await startRedis({ private: true })
  const nodes = [await startNode(redis.url), await startNode(redis.url)]
  const clients: ClusterClient[] = []
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  t.after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await Promise.all(nodes.map((n) => n.app.close()))
    admin.disconnect()
    await redis.stop()
  })
  await admin.connect()
  const join = async (node: number, user: string): Promise<ClusterClient> => {
    const c = await connectClient(nodes[node]!.port, user)
    clients.push(c)
    await c.join('presence-lost')
    return c
  }
  const alice = await join(0, 'alice')
  const bob = await join(1, 'bob')
  for (const c of [alice, bob]) await waitFor(() => memberIds(c, 'presence-lost').join() === 'alice,bob', { what: 'both rosters to list alice and bob' })
  const [infoKey] = await admin.keys('*presence:{*presence-lost}:info')
  assert.ok(infoKey !== undefined, 'the presence info hash of presence-lost exists in redis')
  const base = infoKey.slice(0, -'info'.length)
  const dropSubscriptions = async (): Promise<void> => {
    const before = await Promise.all(nodes.map(async (n) => (await n.app.inject({ method: 'GET', url: '/up' })).json()))
    assert.ok(before.every((b: { status: string }) => b.status === 'ok'))
    const killed = await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    assert.equal(killed, 2, "both servers' subscriber connections were dropped")
  }

  // A member registered by a server whose member_added nobody heard.
  await admin.hset(`${base}conns`, 'ghost:1.1', 'eve')
  await admin.hset(`${base}users`, 'eve', '1')
  await admin.hset(`${base}info`, 'eve', JSON.stringify({ name: 'Eve' }))
  await dropSubscriptions()
  for (const c of [alice, bob]) await waitFor(() => memberIds(c, 'presence-lost').join() === 'alice,bob,eve', { what: 'eve, added only in redis, to reach both rosters after the re-subscribe', timeoutMs: 10_000 })
  const eve = (alice.pusher.channel('presence-lost') as unknown as { members: { get(id: string): { info: unknown } | null } }).members.get('eve')
  assert.deepEqual(eve?.info, { name: 'Eve' }, 'user_info comes from the roster in redis')

  // Her member_removed, lost too.
  await admin.hdel(`${base}conns`, 'ghost:1.1')
  await admin.hdel(`${base}users`, 'eve')
  await admin.hdel(`${base}info`, 'eve')
  await dropSubscriptions()
  for (const c of [alice, bob]) await waitFor(() => memberIds(c, 'presence-lost').join() === 'alice,bob', { what: 'eve, removed only in redis, to leave both rosters after the re-subscribe', timeoutMs: 10_000 })
  // Once per user: each client saw eve added once and removed once, and nobody else come or go
  // (alice, who joined first, also saw bob arrive).
  for (const c of [alice, bob]) {
    assert.deepEqual(c.seen('presence-lost', 'pusher:member_added').map((r) => (r.data as { id: string }).id), c === alice ? ['bob', 'eve'] : ['eve'])
    assert.deepEqual(c.seen('presence-lost', 'pusher:member_removed').map((r) => (r.data as { id: string }).id), ['eve'])
  }
})

test('a server started while Redis is down serves local clients and joins the cluster once Redis is up', async (t) => {
  const redis = await startRedis({ private: true })
  await redis.stop()
  const app = Fastify({ logger: false, pluginTimeout: 30_000 })
  const clients: ClusterClient[] = []
  t.after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await app.close()
    await redis.stop()
  })
  await app.register(herald, {
    env: { BROADCAST_APP_ID: APP.id, BROADCAST_APP_KEY: APP.key, BROADCAST_APP_SECRET: APP.secret },
    // A short timeout keeps the start-up wait for the missing Redis short.
    config: { default: 'redis', connections: { redis: { driver: 'redis', url: redis.url, timeoutMs: 500 } } },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  assert.equal(await upStatus(app), 'degraded')
  const local = await connectClient(port)
  clients.push(local)
  await local.join('boot')
  await sdkFor(port).trigger('boot', 'Local', {})
  await waitFor(() => local.seen('boot', 'Local').length === 1, { what: 'local delivery without Redis' })

  await redis.restart()
  await waitFor(async () => (await upStatus(app)) === 'ok', { what: 'the server to join once Redis is up', timeoutMs: 15_000 })
  const other = await startNode(redis.url)
  t.after(() => other.app.close())
  const remote = await connectClient(other.port)
  clients.push(remote)
  await remote.join('boot')
  await sdkFor(other.port).trigger('boot', 'Clustered', {})
  await waitFor(() => local.seen('boot', 'Clustered').length === 1, { what: 'an event from the other server' })
})
