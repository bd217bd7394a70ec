import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

let server: TestHerald
before(async () => {
  server = await startHerald()
})
after(async () => {
  await server.close()
})

test('pusher-js connects, subscribes to a public channel and receives an event published through the hub', async () => {
  const pusher = await server.client()
  assert.match(pusher.connection.socket_id, /^\d+\.\d+$/)
  const channel = pusher.subscribe('orders')
  await new Promise<void>((resolve) => channel.bind('pusher:subscription_succeeded', () => resolve()))
  const received: unknown[] = []
  channel.bind('OrderShipped', (data: unknown) => received.push(data))
  await server.app.herald.hub.publish({ appId: 'app-id', channels: ['orders'], event: 'OrderShipped', data: JSON.stringify({ id: 42 }) })
  await waitFor(() => received.length === 1, { what: 'OrderShipped to reach pusher-js' })
  assert.deepEqual(received, [{ id: 42 }])
})

test('the local driver (fastify.herald.broadcasting) reaches pusher-js', async () => {
  const pusher = await server.client()
  const channel = pusher.subscribe('news')
  await new Promise<void>((resolve) => channel.bind('pusher:subscription_succeeded', () => resolve()))
  const received: unknown[] = []
  channel.bind('Published', (data: unknown) => received.push(data))
  await server.app.herald.broadcasting.channel('news').broadcast('Published', { title: 'hi' })
  await waitFor(() => received.length === 1, { what: 'Published to reach pusher-js' })
  assert.deepEqual(received, [{ title: 'hi' }])
})
