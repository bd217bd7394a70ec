// Queued broadcasts on BullMQ (Redis) and a worker, with the log driver. Run it with a Redis at REDIS_URL,
// stop it with Ctrl-C or SIGTERM:
//   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/queued-broadcasts.ts   (test/readme/queued-broadcasts.test.ts runs it)
import {
  BroadcastEvent,
  BroadcastNowEvent,
  PrivateChannel,
  createBroadcasting,
  createQueues,
  loadConfig,
  startBroadcastWorker,
} from '../src/index.js' // in your app: from 'herald'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  // Laravel's queue settings; getters and methods stay out of the payload.
  get tries() {
    return 5
  }
  backoff() {
    return [1, 5, 10] // seconds before the 1st, 2nd and later retries
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastAs() {
    return 'OrderShipped'
  }
}

class TypingStarted extends BroadcastNowEvent {
  broadcastOn() {
    return new PrivateChannel('chat.1')
  }
  override broadcastAs() {
    return 'TypingStarted'
  }
}

// QUEUE_CONNECTION=bullmq does the same as `queue.default`; REDIS_URL feeds the bullmq connection.
const config = loadConfig({ default: 'log', queue: { default: 'bullmq', connections: { bullmq: { prefix: `example-${process.pid}` } } } })
const broadcasting = createBroadcasting(config, {}, createQueues(config.queue!))

await broadcasting.event(new TypingStarted()) // ShouldBroadcastNow: sent at once
await broadcasting.private('chat.1').broadcast('MessageRead', { id: 7 }).sendNow() // anonymous, sent at once
await broadcasting.event(new OrderShipped(42)) // stored in Redis; resolves without waiting for the driver
await broadcasting.private('orders.42').broadcast('OrderNoted', { note: 'gift' }) // anonymous: queued too
console.log('dispatched: the order events are queued')

// In your app this is `npx herald work`, or a worker started next to your server like this one.
const worker = await startBroadcastWorker({ broadcasting, queue: config.queue! })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => {
  // close() finishes the running jobs; waiting ones stay in Redis for the next worker
  void worker.close().then(() => broadcasting.close())
})
