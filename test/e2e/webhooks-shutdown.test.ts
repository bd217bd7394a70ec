// A graceful shutdown closes every connection (4200); the departures that produces are sent before the server's
// webhook delivery closes, without waiting their delay (nobody can come back to a server that is going away).
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { RawClient } from './support/raw-client.js'
import { APP, clientOptions, startHerald } from './support/start-herald.js'

test('closing the server sends the member_removed and channel_vacated of its connections once, before close() resolves', async (t) => {
  const receiver = await startWebhookReceiver({ appId: APP.id, key: APP.key, secret: APP.secret })
  t.after(() => receiver.close())
  const hooked: string[] = []
  const server = await startHerald({ shutdownTimeoutMs: 1000, config: { apps: [{ ...APP, webhooks: [{ url: receiver.url }] }] } }, (app) => {
    app.herald.on('member_removed', (e) => void hooked.push(`removed ${e.channel} ${e.userId}`))
    app.herald.on('channel_vacated', (e) => void hooked.push(`vacated ${e.channel}`))
  })
  let closed = false
  t.after(async () => {
    if (!closed) await server.close()
  })
  const ann = await server.client(clientOptions(server.port, server.sdk, '', () => ({ user_id: 'ann', user_info: { name: 'ann' } })))
  for (const name of ['presence-closing', 'plain-closing']) {
    const channel = ann.subscribe(name)
    await waitFor(() => channel.subscribed, { what: `subscription to ${name}` })
  }
  // A client that never answers the closing handshake: it is dropped at the deadline, and leaves its channel too.
  const mute = await RawClient.connect(server.port)
  t.after(() => mute.ws.terminate())
  mute.send({ event: 'pusher:subscribe', data: { channel: 'mute-closing' } })
  await waitFor(
    () => ['plain-closing', 'mute-closing'].every((c) => receiver.named('channel_occupied', c).length === 1) && receiver.named('member_added', 'presence-closing').length === 1,
    { what: 'member_added and channel_occupied' },
  )
  ;(mute.ws as unknown as { _socket: Socket })._socket.pause()

  // The server closes the client's connection (the client does not leave by itself).
  await server.app.close()
  closed = true

  // Delivered while closing: close() resolves only after the delivery drained.
  assert.deepEqual(receiver.named('member_removed', 'presence-closing'), [{ name: 'member_removed', channel: 'presence-closing', user_id: 'ann' }])
  assert.deepEqual(receiver.named('channel_vacated').map((e) => e.channel).sort(), ['mute-closing', 'plain-closing', 'presence-closing'])
  assert.deepEqual(hooked.sort(), ['removed presence-closing ann', 'vacated mute-closing', 'vacated plain-closing', 'vacated presence-closing'])
  assert.ok(receiver.received.every((r) => r.valid))
  ann.disconnect()
})
