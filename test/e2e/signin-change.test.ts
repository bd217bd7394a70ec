// A connection that signs in again as another user stops receiving the previous user's events.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

let server: TestHerald
before(async () => {
  server = await startHerald()
})
after(async () => {
  await server.close()
})

async function signin(server: TestHerald, c: RawClient, id: string): Promise<void> {
  const from = c.frames.length
  const auth = server.sdk.authenticateUser(c.socketId, { id })
  c.send({ event: 'pusher:signin', data: auth })
  await c.next((f) => f.event === 'pusher:signin_success', `signin as ${id}`, from)
}

test('signing in as another user drops the #server-to-user channel of the previous one', async () => {
  const c = await RawClient.connect(server.port)
  await signin(server, c, 'ann')
  c.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-ann', auth: '' } })
  await c.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === '#server-to-user-ann', 'subscribed as ann')
  await signin(server, c, 'bo')
  c.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-bo', auth: '' } })
  await c.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === '#server-to-user-bo', 'subscribed as bo')

  await server.sdk.sendToUser('ann', 'secret', { for: 'ann' })
  await server.sdk.sendToUser('bo', 'hello', { for: 'bo' })
  await c.next((f) => f.event === 'hello', "bo's event")
  // Events are delivered in order on one socket: ann's, sent first, would be here by now.
  assert.equal(c.frames.some((f) => f.event === 'secret'), false, "the connection no longer gets ann's events")
  assert.equal((await server.app.herald.hub.channel('app-id', '#server-to-user-ann')).occupied, false)
  c.close()
})
