import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'
import { APP, ClusterClients, type ClusterClient } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h15whstop${process.pid}_`
/** A departure: ~3 s delay plus up to a heartbeat for a sweep, on a loaded machine. */
const DEPARTURE_WAIT_MS = 20_000

/**
 * Two `herald serve` processes over one private redis-server, stopped gracefully (SIGTERM) one after the other
 * while members are connected: the first one's departures are sent by the survivor, the last one's by itself
 * before it exits; each once.
 */
describe('departures of a cluster server that stops gracefully', () => {
  let redis: TestRedis
  let receiver: WebhookReceiver
  let servers: HeraldProcess[] = []
  const clients = new ClusterClients((server) => servers[server]!.port)
  const client = (server: number, userId?: string): Promise<ClusterClient> => clients.connect(server, userId)
  const seen = (name: string, channel?: string): string[] =>
    receiver.named(name, channel).map((e) => `${String(e.name)} ${String(e.channel)}${e.user_id === undefined ? '' : ` ${String(e.user_id)}`}`)

  before(async () => {
    redis = await startRedis()
    receiver = await startWebhookReceiver({ appId: APP.id, key: APP.key, secret: APP.secret })
    const env = { REDIS_PREFIX: PREFIX, BROADCAST_APP_WEBHOOKS: JSON.stringify([{ url: receiver.url }]) }
    servers = await Promise.all([0, 1].map(() => spawnHerald(redis.url, env)))
  })
  after(async () => {
    clients.disconnectAll()
    await Promise.all(servers.map((s) => s.stop()))
    await Promise.all([redis.stop(), receiver.close()])
  })

  test('a stopped server\'s departures are sent once by the survivor; the last server sends its own before it exits', async () => {
    const [ann0, bo1] = [await client(0, 'ann'), await client(1, 'bo')]
    for (const c of [ann0, bo1]) await c.join('presence-stop')
    await ann0.join('only-on-0')
    await bo1.join('only-on-1')
    await waitFor(() => seen('member_added', 'presence-stop').length === 2 && seen('channel_occupied').length === 3, {
      what: 'member_added for ann and bo, channel_occupied for three channels',
    })

    // Server 0 stops while ann is on it; server 1 is alive and confirms ann's departures after the delay.
    await servers[0]!.stop()
    ann0.pusher.disconnect()
    await waitFor(() => seen('member_removed', 'presence-stop').length === 1 && seen('channel_vacated', 'only-on-0').length === 1, {
      what: 'member_removed for ann and channel_vacated for only-on-0, from server 1',
      timeoutMs: DEPARTURE_WAIT_MS,
    })

    // Server 1 is the last: it confirms bo's departures itself (before their delay) and exits.
    await servers[1]!.stop()
    bo1.pusher.disconnect()
    await waitFor(() => seen('member_removed', 'presence-stop').length === 2 && seen('channel_vacated').length === 3, {
      what: 'member_removed for bo and channel_vacated for presence-stop and only-on-1, from the last server',
      timeoutMs: DEPARTURE_WAIT_MS,
    })
    // Both servers are gone: nothing else can arrive, so these counts are final.
    assert.deepEqual(seen('member_removed').sort(), ['member_removed presence-stop ann', 'member_removed presence-stop bo'])
    assert.deepEqual(seen('channel_vacated').sort(), ['channel_vacated only-on-0', 'channel_vacated only-on-1', 'channel_vacated presence-stop'])
    assert.deepEqual(seen('member_added').sort(), ['member_added presence-stop ann', 'member_added presence-stop bo'])
    assert.ok(receiver.received.every((r) => r.valid), 'every request passes the SDK check')
  })

  test('two servers that stop at the same time, the last two of the cluster: their departures are sent once', async () => {
    servers = await Promise.all([0, 1].map(() => spawnHerald(redis.url, { REDIS_PREFIX: PREFIX, BROADCAST_APP_WEBHOOKS: JSON.stringify([{ url: receiver.url }]) })))
    const [cy0, dee1] = [await client(0, 'cy'), await client(1, 'dee')]
    for (const c of [cy0, dee1]) await c.join('presence-both')
    await cy0.join('both-0')
    await dee1.join('both-1')
    await waitFor(() => seen('member_added', 'presence-both').length === 2 && seen('channel_occupied', 'both-0').length === 1 && seen('channel_occupied', 'both-1').length === 1, {
      what: 'member_added for cy and dee, channel_occupied for both-0 and both-1',
    })
    // Each may see the other still alive; the one that looks last sees it gone and confirms both servers' departures.
    await Promise.all(servers.map((s) => s.stop()))
    for (const c of [cy0, dee1]) c.pusher.disconnect()
    const vacated = (): string[] => ['presence-both', 'both-0', 'both-1'].flatMap((c) => seen('channel_vacated', c))
    await waitFor(() => seen('member_removed', 'presence-both').length === 2 && vacated().length === 3, {
      what: 'member_removed for cy and dee, channel_vacated for presence-both, both-0 and both-1',
      timeoutMs: DEPARTURE_WAIT_MS,
    })
    assert.deepEqual(seen('member_removed', 'presence-both').sort(), ['member_removed presence-both cy', 'member_removed presence-both dee'])
    assert.deepEqual(vacated().sort(), ['channel_vacated both-0', 'channel_vacated both-1', 'channel_vacated presence-both'])
  })
})
