import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { after, before, test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

let server: TestHerald
before(async () => {
  server = await startHerald({ maxBufferedBytes: 64 * 1024 })
})
after(async () => {
  await server.close()
})

test('a consumer that stops reading is closed with 4100 once its buffer passes the bound; others keep receiving', async () => {
  const slow = await RawClient.connect(server.port)
  const fast = await RawClient.connect(server.port)
  for (const c of [slow, fast]) {
    c.send({ event: 'pusher:subscribe', data: { channel: 'firehose' } })
    await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscribed')
  }
  const tcp = (slow.ws as unknown as { _socket: Socket })._socket
  tcp.pause()
  const data = JSON.stringify({ blob: 'x'.repeat(32 * 1024) })
  const serverSide = () => [...server.app.websocketServer.clients]
  let sent = 0
  // Publish until the server gives up on the paused socket; bounded so a broken bound fails instead of hanging.
  while (serverSide().every((ws) => ws.readyState === ws.OPEN) && sent < 5000) {
    await server.app.herald.hub.publish({ appId: APP.id, channels: ['firehose'], event: 'Blob', data })
    sent++
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.ok(sent < 5000, `the slow socket was never closed after ${sent} events`)
  tcp.resume()
  assert.equal((await slow.waitClosed('the slow consumer close')).code, 4100)
  await waitFor(() => fast.frames.filter((f) => f.event === 'Blob').length === sent, { what: `all ${sent} events at the fast consumer` })
  fast.close()
})
