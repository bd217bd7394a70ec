import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'
import { APP, ClusterClients, type ClusterClient } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h15wh${process.pid}_`
/** A departure: ~3 s delay plus up to a heartbeat for a sweep; a reaped one adds the heartbeat TTL. */
const DEPARTURE_WAIT_MS = 20_000

/**
 * Three `herald serve` processes over one private redis-server, each configured (BROADCAST_APP_WEBHOOKS) with
 * the same receiver in this process: every webhook must arrive once for the cluster, not once per server.
 */
describe('webhooks from a cluster of three herald serve processes', () => {
  let redis: TestRedis
  let receiver: WebhookReceiver
  let servers: HeraldProcess[] = []
  const clients = new ClusterClients((server) => servers[server]!.port)
  const client = (server: number, userId?: string): Promise<ClusterClient> => clients.connect(server, userId)
  /** Every delivered event as `name channel [user]`, for counting. */
  const seen = (name: string, channel: string): string[] =>
    receiver.named(name, channel).map((e) => `${String(e.name)} ${String(e.channel)}${e.user_id === undefined ? '' : ` ${String(e.user_id)}`}`)
  /** Waits for a marker channel's vacated webhook: departures recorded before it have been reported by then. */
  const settle = async (marker: ClusterClient, name: string): Promise<void> => {
    await marker.join(name)
    await waitFor(() => seen('channel_occupied', name).length === 1, { what: `channel_occupied for ${name}` })
    marker.pusher.unsubscribe(name)
    await waitFor(() => seen('channel_vacated', name).length === 1, { what: `channel_vacated for ${name}`, timeoutMs: DEPARTURE_WAIT_MS })
  }

  before(async () => {
    redis = await startRedis()
    receiver = await startWebhookReceiver({ appId: APP.id, key: APP.key, secret: APP.secret })
    const env = { REDIS_PREFIX: PREFIX, BROADCAST_APP_WEBHOOKS: JSON.stringify([{ url: receiver.url }]), BROADCAST_APP_SUBSCRIPTION_COUNT: 'true' }
    servers = await Promise.all([0, 1, 2].map(() => spawnHerald(redis.url, env)))
  })
  after(async () => {
    clients.disconnectAll()
    await Promise.all(servers.map((s) => s.stop()))
    await Promise.all([redis.stop(), receiver.close()])
  })

  test('occupancy, presence and client events are sent once for the cluster; a move between servers within the delay sends nothing', async () => {
    const [a0, b1, c2] = [await client(0, 'ann'), await client(1, 'ann'), await client(2, 'bo')]
    // One channel with subscribers on every server: occupied once; vacated once, when the last one leaves.
    for (const c of [a0, b1, c2]) await c.join('orders')
    // Two tabs of ann on two servers, bo on a third: member_added once per user.
    for (const c of [a0, b1, c2]) await c.join('presence-room')
    await waitFor(() => seen('member_added', 'presence-room').length === 2, { what: 'member_added for ann and bo' })
    b1.pusher.channel('presence-room').trigger('client-hi', { n: 1 })
    await waitFor(() => receiver.named('client_event').length === 1, { what: 'the client_event' })
    // ann leaves on server 1 but is still on server 0; bo moves from server 2 to server 0 within the delay.
    b1.pusher.unsubscribe('presence-room')
    const bo0 = await client(0, 'bo')
    c2.pusher.unsubscribe('presence-room')
    await bo0.join('presence-room')
    for (const c of [a0, b1]) c.pusher.unsubscribe('orders')
    await settle(a0, 'marker-1')
    assert.deepEqual(seen('channel_occupied', 'orders'), ['channel_occupied orders'])
    assert.deepEqual(seen('channel_vacated', 'orders'), [], 'bo on server 2 still holds orders')
    assert.deepEqual(seen('member_added', 'presence-room').sort(), ['member_added presence-room ann', 'member_added presence-room bo'])
    assert.deepEqual(seen('member_removed', 'presence-room'), [], 'ann is still on server 0 and bo came back on server 0 in time')
    assert.deepEqual(receiver.named('client_event'), [
      { name: 'client_event', channel: 'presence-room', event: 'client-hi', data: '{"n":1}', socket_id: b1.socketId, user_id: 'ann' },
    ])
    c2.pusher.unsubscribe('orders')
    await waitFor(() => seen('channel_vacated', 'orders').length === 1, { what: 'channel_vacated for orders', timeoutMs: DEPARTURE_WAIT_MS })
    assert.ok(receiver.received.every((r) => r.valid), 'every request passes the SDK check')
  })

  test('pusher:subscription_count carries the cluster-wide count to subscribers on every server', async () => {
    const subscribers = [await client(0), await client(1), await client(2)]
    const counts = subscribers.map(() => [] as number[])
    for (const [i, c] of subscribers.entries()) {
      c.pusher.subscribe('counted').bind('pusher:subscription_count', (data: { subscription_count: number }) => void counts[i]!.push(data.subscription_count))
      await c.join('counted')
    }
    await waitFor(() => counts.every((seen) => seen.at(-1) === 3), { what: 'every subscriber to see a count of 3', timeoutMs: 10_000 })
    await waitFor(() => receiver.named('subscription_count', 'counted').at(-1)?.subscription_count === 3, { what: 'the webhook of 3', timeoutMs: 10_000 })
    for (const c of subscribers) c.pusher.unsubscribe('counted')
  })

  test('a SIGKILLed server\'s departure produces its member_removed and channel_vacated once, from the reaper', async () => {
    const [cy0, dee2] = [await client(0, 'cy'), await client(2, 'dee')]
    for (const c of [cy0, dee2]) await c.join('presence-kill')
    await dee2.join('only-on-2')
    await waitFor(() => seen('member_added', 'presence-kill').length === 2 && seen('channel_occupied', 'only-on-2').length === 1, {
      what: 'member_added for cy and dee, channel_occupied for only-on-2',
    })
    await servers[2]!.kill()
    await waitFor(() => seen('member_removed', 'presence-kill').length === 1 && seen('channel_vacated', 'only-on-2').length === 1, {
      what: 'member_removed for dee and channel_vacated for only-on-2 after the SIGKILL',
      timeoutMs: DEPARTURE_WAIT_MS + 10_000,
    })
    servers = servers.slice(0, 2)
    // A later departure through a survivor: a duplicate from another server's sweep would have come by then.
    await settle(cy0, 'marker-2')
    assert.deepEqual(seen('member_removed', 'presence-kill'), ['member_removed presence-kill dee'])
    assert.deepEqual(seen('channel_vacated', 'only-on-2'), ['channel_vacated only-on-2'])
    assert.deepEqual(seen('channel_vacated', 'presence-kill'), [], 'cy on server 0 still holds presence-kill')
    assert.deepEqual(seen('channel_occupied', 'presence-kill'), ['channel_occupied presence-kill'])
  })
})
