import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import PusherServer from 'pusher'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { Pusher } from '../e2e/support/pusher-js.js'
import { clientOptions } from '../e2e/support/start-herald.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'

// Two apps served by two clustered servers (one config, one Redis): nothing crosses from one app to the other.
const A = { id: 'cluster-a', key: 'cluster-a-key', secret: 'cluster-a-secret' }
const B = { id: 'cluster-b', key: 'cluster-b-key', secret: 'cluster-b-secret' }
const PREFIX = `h14apps${process.pid}_`

describe('many apps across a cluster', () => {
  let redis: TestRedis
  const servers: HeraldServer[] = []
  const clients: Pusher[] = []
  const sdk = (app: typeof A, server: HeraldServer) =>
    new PusherServer({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
  const subscriber = async (app: typeof A, server: HeraldServer, channel: string) => {
    const client = new Pusher(app.key, clientOptions(server.port, sdk(app, server)))
    clients.push(client)
    const got: unknown[] = []
    client.subscribe(channel).bind_global((event: string, data: unknown) => {
      if (!event.startsWith('pusher')) got.push(data)
    })
    await waitFor(() => client.channel(channel)?.subscribed, { what: `${app.id} on port ${server.port} to join ${channel}` })
    return got
  }

  before(async () => {
    redis = await startRedis()
    const env = { BROADCAST_CONNECTION: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: PREFIX }
    for (let i = 0; i < 2; i++) servers.push(await startServer({ env, config: { apps: [A, B], server: { host: '127.0.0.1', port: 0 } }, logger: false }))
  })
  after(async () => {
    for (const c of clients) c.disconnect()
    await Promise.all(servers.map((s) => s.close()))
    await redis.stop()
  })

  test('an event for app A reaches A’s subscribers on both servers and no subscriber of B', async () => {
    const [one, two] = servers as [HeraldServer, HeraldServer]
    const aOnOne = await subscriber(A, one, 'orders')
    const bOnOne = await subscriber(B, one, 'orders')
    const bOnTwo = await subscriber(B, two, 'orders')
    await sdk(A, two).trigger('orders', 'shipped', { app: 'a' })
    await waitFor(() => aOnOne.length === 1, { what: "A's event on the other server" })
    // B's own event comes after A's through the same Redis: once it arrived, a leaked A event would have too.
    await sdk(B, two).trigger('orders', 'shipped', { app: 'b' })
    await waitFor(() => bOnOne.length === 1 && bOnTwo.length === 1, { what: "B's event on both servers" })
    assert.deepEqual(aOnOne, [{ app: 'a' }])
    assert.deepEqual(bOnOne, [{ app: 'b' }])
    assert.deepEqual(bOnTwo, [{ app: 'b' }])
  })

  test('channel listings are per app across the servers', async () => {
    const [one, two] = servers as [HeraldServer, HeraldServer]
    await subscriber(A, one, 'only-in-a')
    const listed = async (app: typeof A) => Object.keys(((await (await sdk(app, two).get({ path: '/channels' })).json()) as { channels: object }).channels)
    await waitFor(async () => (await listed(A)).includes('only-in-a'), { what: "A's channel on the other server's listing" })
    assert.ok(!(await listed(B)).includes('only-in-a'))
  })
})
