import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { RedisBroadcaster } from '../../src/adapters/redis/redis-broadcaster.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { ClusterClients, sdkFor, type ClusterClient } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

/**
 * Three `herald serve` processes, one private redis-server, real pusher-js clients spread over them.
 * Default heartbeat 1 s and heartbeat TTL 3 s, so a killed server's members go within about 4 s.
 */
/** This file's keys and channels carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h4srv${process.pid}_`

describe('a cluster of three herald serve processes', () => {
  let redis: TestRedis
  let servers: HeraldProcess[] = []
  const clients = new ClusterClients((server) => servers[server]!.port)
  const client = (server: number, userId?: string): Promise<ClusterClient> => clients.connect(server, userId)

  before(async () => {
    redis = await startRedis()
    servers = await Promise.all([0, 1, 2].map(() => spawnHerald(redis.url, { REDIS_PREFIX: PREFIX })))
  })
  after(async () => {
    clients.disconnectAll()
    await Promise.all(servers.map((s) => s.stop()))
    await redis.stop()
  })

  test('events from any entry reach every subscriber on every server exactly once', async (t) => {
    const subscribers = [await client(0), await client(1), await client(2)]
    for (const c of subscribers) await c.join('orders')
    const driver = new RedisBroadcaster({ url: redis.url, prefix: PREFIX, timeoutMs: 2000 })
    t.after(() => driver.close())
    // One event through each server's HTTP API and one through the redis driver (no server in this process).
    for (const [i, s] of servers.entries()) await sdkFor(s.port).trigger('orders', 'Api', { via: i })
    await driver.broadcast({ channels: ['orders'], event: 'Driver', payload: { via: 'redis' } })
    // Same-publisher order is kept through Redis: once each marker is in, a duplicate would be too.
    for (const s of servers) await sdkFor(s.port).trigger('orders', 'marker', {})
    await driver.broadcast({ channels: ['orders'], event: 'marker', payload: {} })
    for (const c of subscribers) {
      await waitFor(() => c.seen('orders', 'marker').length === 4, { what: 'the four markers' })
      assert.deepEqual(
        c.seen('orders', 'Api').map((r) => (r.data as { via: number }).via).sort(),
        [0, 1, 2],
      )
      assert.equal(c.seen('orders', 'Driver').length, 1)
    }
  })

  test('client events and presence span the servers; a SIGKILLed server is reaped with member_removed', async () => {
    const channel = 'presence-room.1'
    const ann = await client(0, 'ann')
    await ann.join(channel)
    const ben = await client(1, 'ben')
    await ben.join(channel)
    const cat = await client(2, 'cat')
    await cat.join(channel)
    // dan has a tab on server 0 and one on server 2: losing server 2 must not remove him.
    const danOn0 = await client(0, 'dan')
    await danOn0.join(channel)
    const danOn2 = await client(2, 'dan')
    await danOn2.join(channel)
    const members = (c: ClusterClient): string[] => {
      const ids: string[] = []
      ;(c.pusher.channel(channel) as unknown as { members: { each(f: (m: { id: string }) => void): void } }).members.each((m) => ids.push(m.id))
      return ids.sort()
    }
    assert.deepEqual(members(danOn2), ['ann', 'ben', 'cat', 'dan'], 'the last joiner sees members of all three servers')
    await waitFor(() => ann.seen(channel, 'pusher:member_added').length === 3, { what: 'member_added for ben, cat and dan on server 0' })

    ben.pusher.channel(channel).trigger('client-wave', { from: 'ben' })
    await waitFor(() => ann.seen(channel, 'client-wave').length === 1 && cat.seen(channel, 'client-wave').length === 1, {
      what: 'the client event on servers 0 and 2',
    })

    // Server 2 dies without a word: ann and ben are told cat left once the heartbeat expires.
    const killedAt = Date.now()
    await servers[2]!.kill()
    await waitFor(() => ann.seen(channel, 'pusher:member_removed').length === 1 && ben.seen(channel, 'pusher:member_removed').length === 1, {
      what: 'member_removed for cat after SIGKILL of server 2',
      timeoutMs: 15_000,
      intervalMs: 50,
    })
    const detectedMs = Date.now() - killedAt
    assert.deepEqual(ann.seen(channel, 'pusher:member_removed')[0]?.data, { id: 'cat', info: { name: 'cat' } })
    await waitFor(
      async () => {
        const info = (await (await sdkFor(servers[1]!.port).get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } })).json()) as Record<string, number>
        return info['subscription_count'] === 3
      },
      { what: "the dead server's subscriptions to be uncounted (the reap finished)" },
    )
    const users = (await (await sdkFor(servers[0]!.port).get({ path: `/channels/${channel}/users` })).json()) as { users: { id: string }[] }
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['ann', 'ben', 'dan'])
    // The reaper (server 0 or 1) announced on its own Redis connection before it finished; a marker
    // through each survivor's connection therefore arrives after any announcement of the reap.
    for (const s of servers.slice(0, 2)) await sdkFor(s.port).trigger(channel, 'marker', {})
    await waitFor(() => ann.seen(channel, 'marker').length === 2, { what: 'both markers' })
    assert.deepEqual(
      ann.seen(channel, 'pusher:member_removed').map((r) => (r.data as { id: string }).id),
      ['cat'],
      'dan, still connected to server 0, is not removed',
    )
    assert.deepEqual(members(ann), ['ann', 'ben', 'dan'])
    // Informational: the documented bound is serverTtlMs + heartbeatMs (4 s) plus a round trip.
    console.log(`# member_removed ${detectedMs} ms after SIGKILL`)
    servers = servers.slice(0, 2)
  })

  test('terminate_connections through one server closes the user on every server', async () => {
    const [onA, onB, other] = [await client(0, 'eve'), await client(1, 'eve'), await client(1, 'fay')]
    for (const c of [onA, onB, other]) await c.join('presence-term')
    await sdkFor(servers[1]!.port).terminateUserConnections('eve')
    await Promise.all([onA.closed(), onB.closed()])
    assert.equal(other.pusher.connection.state, 'connected')
  })
})
