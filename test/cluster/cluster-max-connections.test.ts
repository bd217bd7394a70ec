import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { RawClient } from '../e2e/support/raw-client.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { APP } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h6max${process.pid}_`
const PATH = `/app/${APP.key}?protocol=7`

/** Connects to `server`; resolves with the client once it got its first frame (established or the 4004 error). */
async function attempt(server: HeraldProcess, clients: RawClient[]): Promise<RawClient> {
  const client = await RawClient.connect(server.port, PATH)
  clients.push(client)
  return client
}

const refusedWith4004 = (c: RawClient): boolean => c.frames[0]?.event === 'pusher:error' && RawClient.data(c.frames[0]).code === 4004

describe('maxConnections across two herald serve processes (BROADCAST_APP_MAX_CONNECTIONS=2)', () => {
  let redis: TestRedis
  let servers: HeraldProcess[] = []
  const clients: RawClient[] = []

  before(async () => {
    redis = await startRedis()
    servers = await Promise.all([0, 1].map(() => spawnHerald(redis.url, { REDIS_PREFIX: PREFIX, BROADCAST_APP_MAX_CONNECTIONS: '2', HERALD_METRICS: 'true' })))
  })
  after(async () => {
    for (const c of clients) c.close()
    await Promise.all(servers.map((s) => s.stop()))
    await redis.stop()
  })

  test("a server refuses a connection (4004) once its own and the other server's connections reach the limit; a close frees the room", async () => {
    const [one, two] = servers as [HeraldProcess, HeraldProcess]
    const first = await attempt(one, clients)
    const second = await attempt(two, clients)
    for (const c of [first, second]) assert.equal(c.frames[0]?.event, 'pusher:connection_established')

    // Each server learns the other's count within about a heartbeat (1 s). Until then a connection may still be
    // accepted; it is closed again and the attempt repeated.
    const refused = await waitFor(
      async () => {
        const third = await attempt(one, clients)
        if (refusedWith4004(third)) return third
        third.close()
        await third.waitClosed()
        return undefined
      },
      { what: 'server 1 to refuse a third connection, counting the one on server 2', timeoutMs: 8000, intervalMs: 200 },
    )
    assert.match(String(RawClient.data(refused.frames[0]!).message), /over its connection quota \(2\)/)
    assert.equal((await refused.waitClosed()).code, 4004)

    // The connection on server 2 goes: within about a heartbeat server 1 has room again.
    second.close()
    await second.waitClosed()
    const admitted = await waitFor(
      async () => {
        const next = await attempt(one, clients)
        if (next.frames[0]?.event === 'pusher:connection_established') return next
        await next.waitClosed()
        return undefined
      },
      { what: 'server 1 to admit a connection after the one on server 2 closed', timeoutMs: 8000, intervalMs: 200 },
    )
    assert.ok(admitted.socketId)
    first.send({ event: 'pusher:ping' })
    await first.next((f) => f.event === 'pusher:pong', 'the first connection is unaffected throughout')
  })

  test("each server's /metrics reports its own connections and that its Redis link is up", async () => {
    const text = await (await fetch(`http://127.0.0.1:${servers[0]!.port}/metrics`)).text()
    assert.match(text, /^herald_cluster_redis_up 1$/m)
    assert.match(text, /^herald_connections\{app="app-id"\} [1-9]\d*$/m)
  })
})
