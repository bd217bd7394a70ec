import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { PusherBroadcaster } from '../../../src/adapters/pusher/pusher-broadcaster.js'
import { BroadcastFailedError } from '../../../src/domain/errors.js'
import { waitFor } from '../../helpers/wait-for.js'
import { APP, startHerald, type TestHerald } from '../../e2e/support/start-herald.js'
import type { Pusher } from '../../e2e/support/pusher-js.js'

/** Subscribes and resolves once the server confirmed the subscription. */
async function subscribed(client: Pusher, channelName: string): Promise<ReturnType<Pusher['subscribe']>> {
  const channel = client.subscribe(channelName)
  await new Promise<void>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve())
    channel.bind('pusher:subscription_error', (err: unknown) => reject(new Error(`subscription to ${channelName} failed: ${JSON.stringify(err)}`)))
  })
  return channel
}

// End to end: the real `pusher` SDK inside PusherBroadcaster → a real Herald server's HTTP API
// (signature checked by the server) → real pusher-js clients over WebSocket.
describe('PusherBroadcaster → Herald server → pusher-js', () => {
  let herald: TestHerald
  let driver: PusherBroadcaster

  before(async () => {
    herald = await startHerald()
    driver = new PusherBroadcaster({
      appId: APP.id,
      key: APP.key,
      secret: APP.secret,
      host: '127.0.0.1',
      port: herald.port,
      scheme: 'http',
      timeoutMs: 5000,
      maxPayloadSize: 10240,
    })
  })
  after(async () => {
    await driver.close()
    await herald.close()
  })

  test('a broadcast to a public and a private channel reaches the subscribers', async () => {
    const client = await herald.client()
    const events: Array<[string, unknown]> = []
    ;(await subscribed(client, 'orders')).bind('OrderShipped', (d: unknown) => events.push(['orders', d]))
    ;(await subscribed(client, 'private-user.1')).bind('OrderShipped', (d: unknown) => events.push(['private-user.1', d]))
    await driver.broadcast({ channels: ['orders', 'private-user.1'], event: 'OrderShipped', payload: { id: 42, text: 'héllo ✓' } })
    await waitFor(() => events.length === 2, { what: 'OrderShipped on both channels' })
    assert.deepEqual(events.sort(), [
      ['orders', { id: 42, text: 'héllo ✓' }],
      ['private-user.1', { id: 42, text: 'héllo ✓' }],
    ])
  })

  test('toOthers: the sender socket is excluded, the other subscriber receives', async () => {
    const sender = await herald.client()
    const other = await herald.client()
    const seenBySender: unknown[] = []
    const seenByOther: unknown[] = []
    ;(await subscribed(sender, 'chat')).bind_global((event: string, d: unknown) => {
      if (!event.startsWith('pusher:')) seenBySender.push([event, d])
    })
    ;(await subscribed(other, 'chat')).bind('Typing', (d: unknown) => seenByOther.push(d))
    await driver.broadcast({ channels: ['chat'], event: 'Typing', payload: { user: 1 }, socketId: sender.connection.socket_id })
    await waitFor(() => seenByOther.length === 1, { what: 'Typing to reach the other subscriber' })
    // A later event to everyone arrives on the sender after anything sent before it, so its arrival
    // proves the excluded one was never coming (no sleep).
    await driver.broadcast({ channels: ['chat'], event: 'Marker', payload: {} })
    await waitFor(() => seenBySender.length >= 1, { what: 'Marker to reach the sender' })
    assert.deepEqual(seenBySender, [['Marker', {}]])
  })

  test('a broadcast to 150 channels is split into two triggers the server accepts, and every channel gets it', async () => {
    const client = await herald.client()
    const channels = Array.from({ length: 150 }, (_, i) => `wide.${i}`)
    const received = new Set<string>()
    for (const name of ['wide.0', 'wide.99', 'wide.100', 'wide.149']) {
      ;(await subscribed(client, name)).bind('Wide', () => received.add(name))
    }
    await driver.broadcast({ channels, event: 'Wide', payload: { n: 1 } })
    await waitFor(() => received.size === 4, { what: 'Wide on channels of both batches' })
  })

  test('a wrong secret is refused by the server and rejects with BroadcastFailedError', async () => {
    const wrong = new PusherBroadcaster({
      appId: APP.id,
      key: APP.key,
      secret: 'not-the-secret',
      host: '127.0.0.1',
      port: herald.port,
      scheme: 'http',
      timeoutMs: 5000,
      maxPayloadSize: 10240,
    })
    try {
      const err = await wrong.broadcast({ channels: ['orders'], event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      assert.ok(err instanceof BroadcastFailedError)
      assert.equal(err.driver, 'pusher')
      assert.match(err.message, /HTTP 40[13]/)
    } finally {
      await wrong.close()
    }
  })
})
