// The plugin's `worker` option: with a bullmq queue connection, an event dispatched in the app is queued
// (the dispatch resolves before delivery) and the worker the plugin started delivers it through `local`.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BroadcastEvent } from '../../src/domain/events/broadcast-event.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return 'orders'
  }
}

let redis: TestRedis
let server: TestHerald
before(async () => {
  redis = await startRedis({ private: true })
  server = await startHerald({
    worker: true,
    config: { queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq', url: redis.url, prefix: 'plugin-worker' } } } },
  })
})
after(async () => {
  await server?.close()
  await redis?.stop()
})

test('an event dispatched in the app is queued, and the worker the plugin started delivers it once', async () => {
  const client = await RawClient.connect(server.port)
  client.send({ event: 'pusher:subscribe', data: { channel: 'orders' } })
  await client.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscribed')
  await server.app.herald.events.dispatch(new OrderShipped(42))
  const frame = await client.next((f) => f.event === 'OrderShipped', 'the queued event')
  assert.deepEqual(JSON.parse(frame.data as string), { orderId: 42 })
  client.close()
})

test('closing the server stops the worker (no open handles keep the process alive)', async () => {
  const other = await startHerald({
    worker: true,
    config: { queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq', url: redis.url, prefix: 'plugin-worker-2' } } } },
  })
  await other.close()
  assert.equal(other.app.server.listening, false)
})
