// Laravel's application side end to end: broadcast notifications received by laravel-echo's
// `.notification()`, and a model event queued on BullMQ, delivered by a worker, received by `.listen()`.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import Echo from 'laravel-echo'
import { createQueues } from '../../src/composition/create-queue.js'
import { startBroadcastWorker, type BroadcastWorker } from '../../src/composition/start-broadcast-worker.js'
import { loadConfig } from '../../src/config/load-config.js'
import { Broadcasting } from '../../src/domain/broadcasting/broadcasting.js'
import { ModelEventOccurred } from '../../src/domain/models/model-event.js'
import { notify } from '../../src/domain/notifications/broadcast-notification.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { Pusher } from './support/pusher-js.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

interface User {
  id: string
  name: string
}
const users = new Map<string, User>([
  ['tok-ann', { id: '1', name: 'Ann' }],
  ['tok-bo', { id: '2', name: 'Bo' }],
])

class InvoicePaid {
  readonly amount: number
  constructor(amount: number) {
    this.amount = amount
  }
  toBroadcast() {
    return { amount: this.amount }
  }
}

let server: TestHerald
let redis: TestRedis
let queued: Broadcasting
let worker: BroadcastWorker
const echos: Echo<'pusher'>[] = []
before(async () => {
  server = await startHerald({ authenticate: (request) => users.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null }, (app) => {
    app.herald.channels
      .channel('App.Models.User.{id}', (user: User, { id }: { id: string }) => user.id === id)
      .channel('App.Models.Post.{id}', () => true)
    app.post('/pay', async (request) => {
      await notify(app.herald.broadcasting, { key: 1 }, new InvoicePaid(30)).toOthers(request.socketId)
      return { ok: true }
    })
  })
  // The app's queued broadcasting: the server's own `local` driver behind a BullMQ queue on a private Redis.
  redis = await startRedis({ private: true })
  const config = loadConfig({ queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq', url: redis.url, prefix: 'e2e' } } } }, {})
  const local = server.app.herald.broadcasting.connection('local')
  queued = new Broadcasting({ default: 'local', connections: { local }, queues: createQueues(config.queue!) })
  worker = await startBroadcastWorker({ broadcasting: queued, queue: config.queue! })
})
after(async () => {
  for (const e of echos) e.disconnect()
  await worker?.close()
  await queued?.queue().close?.()
  await server?.close()
  await redis?.stop()
})

async function echo(token: string): Promise<Echo<'pusher'>> {
  const instance = new Echo<'pusher'>({
    broadcaster: 'pusher',
    key: 'app-key',
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    authEndpoint: `http://127.0.0.1:${server.port}/broadcasting/auth`,
    auth: { headers: { Authorization: `Bearer ${token}` } },
    withoutInterceptors: true,
    Pusher,
  } as never)
  echos.push(instance)
  await waitFor(() => instance.connector.pusher.connection.state === 'connected', { what: 'Echo to connect' })
  return instance
}

test('a broadcast notification reaches Echo.private(App.Models.User.1).notification() as { id, type, ...data }', async () => {
  const ann = await echo('tok-ann')
  const received: Record<string, unknown>[] = []
  let subscribed = false
  ann.private('App.Models.User.1').notification((n: Record<string, unknown>) => received.push(n)).subscribed(() => (subscribed = true))
  await waitFor(() => subscribed, { what: 'Ann subscribed to her notification channel' })
  const res = await fetch(`http://127.0.0.1:${server.port}/pay`, { method: 'POST' })
  assert.equal(res.status, 200)
  await waitFor(() => received.length === 1, { what: 'the notification at Echo' })
  assert.equal(received[0]?.type, 'InvoicePaid')
  assert.equal(received[0]?.amount, 30)
  assert.match(String(received[0]?.id), /^[0-9a-f-]{36}$/)
})

test('a model event queued on BullMQ is delivered by the worker to Echo .listen(".PostUpdated")', async () => {
  const bo = await echo('tok-bo')
  const received: unknown[] = []
  let subscribed = false
  bo.private('App.Models.Post.9').listen('.PostUpdated', (e: unknown) => received.push(e)).subscribed(() => (subscribed = true))
  await waitFor(() => subscribed, { what: 'Bo subscribed to the post channel' })
  await queued.event(new ModelEventOccurred({ name: 'Post', key: 9, attributes: { id: 9, title: 'Edited' } }, 'updated'))
  await waitFor(() => received.length === 1, { what: 'PostUpdated at Echo, through the queue and the worker', timeoutMs: 10_000 })
  assert.deepEqual(received, [{ model: { id: 9, title: 'Edited' } }])
})
