// Anonymous broadcasts through BullMQ: `broadcasting.on(…).send()` in the app is stored in a real Redis and
// delivered by the worker that `herald/fastify` starts (`worker` option) to real pusher-js clients, with
// `toOthers` and `onQueue` kept; `sendNow()` skips the queue.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { BroadcastJob } from '../../src/domain/queue/broadcast-job.js'
import type { DeliverJob, QueuePort } from '../../src/domain/queue/queue-port.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import type { Pusher } from './support/pusher-js.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

/** Stands between the app and its real BullMQ queue: records what was pushed, and that nothing was delivered in-process. */
class ObservedQueue implements QueuePort {
  readonly pushed: BroadcastJob[] = []
  deliveredDirectly = 0
  readonly #inner: QueuePort
  constructor(inner: QueuePort) {
    this.#inner = inner
  }
  async push(job: BroadcastJob, _deliver: DeliverJob): Promise<void> {
    this.pushed.push(job)
    // A durable queue never calls deliver: the worker does, from what Redis stored.
    await this.#inner.push(job, async () => {
      this.deliveredDirectly += 1
    })
  }
}

let redis: TestRedis
let server: TestHerald
let queue: ObservedQueue
before(async () => {
  redis = await startRedis({ private: true })
  server = await startHerald({
    worker: { queues: ['broadcasts', 'priority'] },
    config: { queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq', url: redis.url, prefix: 'anonymous-worker' } } } },
  })
  const broadcasting = server.app.herald.broadcasting
  queue = new ObservedQueue(broadcasting.queue())
  broadcasting.swapQueue(queue)
})
after(async () => {
  await server?.close()
  await redis?.stop()
})

async function subscribed(pusher: Pusher, name: string) {
  const channel = pusher.subscribe(name)
  await new Promise<void>((resolve) => channel.bind('pusher:subscription_succeeded', () => resolve()))
  return channel
}

test('send() queues in Redis; the plugin worker delivers it to pusher-js, except to the toOthers socket', async () => {
  const sender = await server.client()
  const other = await server.client()
  const seen: { sender: string[]; other: string[] } = { sender: [], other: [] }
  for (const [who, pusher] of [['sender', sender], ['other', other]] as const) {
    const channel = await subscribed(pusher, 'private-orders.1')
    channel.bind_global((event: string, data: unknown) => {
      if (!event.startsWith('pusher')) seen[who].push(`${event} ${JSON.stringify(data)}`)
    })
  }

  await server.app.herald.broadcasting.private('orders.1').broadcast('OrderPlaced', { id: 1 }).toOthers(sender.connection.socket_id).send()
  assert.deepEqual(queue.pushed.map((j) => [j.message.event, j.message.channels, j.message.socketId]), [['OrderPlaced', ['private-orders.1'], sender.connection.socket_id]])
  await waitFor(() => seen.other.length === 1, { what: 'the queued OrderPlaced to reach the other client' })
  assert.deepEqual(seen.other, ['OrderPlaced {"id":1}'])

  // A marker sent now reaches both; the sender's socket gets frames in order, so it never got OrderPlaced.
  await server.app.herald.broadcasting.private('orders.1').broadcast('Marker').sendNow()
  await waitFor(() => seen.sender.length === 1 && seen.other.length === 2, { what: 'the marker to reach both clients' })
  assert.deepEqual(seen.sender, ['Marker {}'])
  assert.equal(queue.pushed.length, 1, 'sendNow() queued nothing')
  assert.equal(queue.deliveredDirectly, 0)
})

test('onQueue() puts it on a named queue the worker serves; awaiting the broadcast is send()', async () => {
  const pusher = await server.client()
  const channel = await subscribed(pusher, 'feed')
  const received: unknown[] = []
  channel.bind('Posted', (data: unknown) => received.push(data))
  await server.app.herald.broadcasting.channel('feed').broadcast('Posted', { text: 'hi' }).onQueue('priority')
  assert.equal(queue.pushed.at(-1)?.queue, 'priority')
  await waitFor(() => received.length === 1, { what: 'Posted from the priority queue to reach pusher-js' })
  assert.deepEqual(received, [{ text: 'hi' }])
  assert.equal(queue.deliveredDirectly, 0)
})
