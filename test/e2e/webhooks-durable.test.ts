// With a durable default queue connection (bullmq), webhook requests wait in Redis: one that could not be
// delivered before its server stopped is delivered by the next server, once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { freePort } from '../helpers/free-port.js'
import { startRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

async function metric(server: TestHerald, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
  return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN)
}

test('a webhook waiting for its retry survives a restart of the server and is delivered once', async () => {
  const redis = await startRedis({ private: true })
  const port = await freePort()
  const config = {
    apps: [{ ...APP, webhooks: [{ url: `http://127.0.0.1:${port}/webhooks` }] }],
    server: { metrics: true },
    queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq' as const, url: redis.url, prefix: 'h15-webhooks' } } },
  }
  const first = await startHerald({ config })
  let firstClosed = false
  try {
    const client = await first.client()
    const channel = client.subscribe('durable')
    await waitFor(() => channel.subscribed, { what: 'the subscription' })
    // Nothing listens on the receiver's port yet: the request fails and waits in Redis for its retry.
    await waitFor(async () => (await metric(first, 'herald_webhooks_retried_total')) >= 1, { what: 'a failed attempt scheduled again' })
    await first.close()
    firstClosed = true
  } finally {
    if (!firstClosed) {
      await first.close()
      await redis.stop()
    }
  }

  const receiver = await startWebhookReceiver({ appId: APP.id, key: APP.key, secret: APP.secret }, port)
  const second = await startHerald({ config })
  try {
    await waitFor(() => receiver.named('channel_occupied', 'durable').length === 1, { what: 'the stored request, delivered by the next server', timeoutMs: 20_000 })
    // The channel_vacated of the first server's shutdown was queued too, and is delivered by the second.
    await waitFor(() => receiver.named('channel_vacated', 'durable').length === 1, { what: "the first server's channel_vacated", timeoutMs: 20_000 })
    await waitFor(async () => (await metric(second, 'herald_webhooks_delivered_total')) === receiver.received.length, { what: 'the deliveries counted' })
    assert.ok(receiver.received.every((r) => r.valid && r.status === 200))
    assert.equal(receiver.named('channel_occupied', 'durable').length, 1, 'delivered once')
  } finally {
    // Servers before Redis: their queue connections must close while Redis is there.
    await second.close()
    await receiver.close()
    await redis.stop()
  }
})
