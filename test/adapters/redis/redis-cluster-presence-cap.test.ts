import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyInstance } from 'fastify'
import herald from '../../../src/http/index.js'
import { connectClient, APP, type ClusterClient } from '../../cluster/support/cluster-client.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h6cap${process.pid}_`

async function startNode(redisUrl: string): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ logger: false, pluginTimeout: 30_000 })
  await app.register(herald, {
    env: { BROADCAST_CONNECTION: 'redis', REDIS_URL: redisUrl, REDIS_PREFIX: PREFIX },
    config: { apps: [{ ...APP, maxPresenceMembers: 2 }] },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { app, port: address.port }
}

describe('maxPresenceMembers across two in-process servers (limit 2)', () => {
  let redis: TestRedis
  const nodes: { app: FastifyInstance; port: number }[] = []
  const clients: ClusterClient[] = []
  const client = async (node: number, userId: string): Promise<ClusterClient> => {
    const c = await connectClient(nodes[node]!.port, userId)
    clients.push(c)
    return c
  }

  before(async () => {
    redis = await startRedis()
    nodes.push(await startNode(redis.url), await startNode(redis.url))
  })
  after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await Promise.all(nodes.map((n) => n.app.close()))
    await redis.stop()
  })

  test("a third member is refused on a server whose own roster has room, because the other server's member counts", async () => {
    const channel = 'presence-room.9'
    const alice = await client(0, 'alice')
    await alice.join(channel)
    const bob = await client(1, 'bob')
    await bob.join(channel)
    await waitFor(() => alice.seen(channel, 'pusher:member_added').length === 1, { what: 'server 0 to learn of bob' })

    const carol = await client(0, 'carol')
    const errors: { type?: string; status?: number; error?: string }[] = []
    const ch = carol.pusher.subscribe(channel)
    ch.bind('pusher:subscription_error', (e: { type?: string; status?: number; error?: string }) => errors.push(e))
    await waitFor(() => errors.length === 1, { what: "carol's subscription_error" })
    assert.equal(errors[0]?.type, 'LimitReached')
    assert.equal(errors[0]?.status, 4100)
    assert.match(String(errors[0]?.error), /at most 2 members/)

    // A member already present elsewhere always gets in with another tab.
    const aliceTab = await client(1, 'alice')
    await aliceTab.join(channel)
    assert.equal(ch.subscribed, false)
  })
})
