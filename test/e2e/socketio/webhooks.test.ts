import assert from 'node:assert/strict'
import { test } from 'node:test'
import Echo from 'laravel-echo'
import { io } from 'socket.io-client'
import { waitFor } from '../../helpers/wait-for.js'
import { startWebhookReceiver } from '../../helpers/webhook-receiver.js'
import { APP, startHerald } from '../support/start-herald.js'

test('a Socket.IO client (Echo\'s socket.io connector) produces the same webhooks: occupancy, member_added and its whispers as client_event', async (t) => {
  const receiver = await startWebhookReceiver({ appId: APP.id, key: APP.key, secret: APP.secret })
  t.after(() => receiver.close())
  const server = await startHerald(
    { socketio: true, authenticate: () => ({ id: '7', name: 'Ann' }), config: { apps: [{ ...APP, webhooks: [{ url: receiver.url }] }] } },
    (app) => {
      app.herald.channels.channel('room', (user: { id: string; name: string }) => ({ id: user.id, name: user.name }))
    },
  )
  t.after(() => server.close())
  const echo = new Echo<'socket.io'>({ broadcaster: 'socket.io', host: `http://127.0.0.1:${server.port}`, client: io, forceNew: true } as never)
  t.after(() => echo.disconnect())
  await waitFor(() => echo.connector.socket.connected, { what: 'Echo (socket.io) to connect' })
  let here = false
  const room = echo.join('room').here(() => {
    here = true
  })
  await waitFor(() => here, { what: 'the presence subscription' })
  room.whisper('typing', { on: true })
  await waitFor(() => receiver.named('client_event').length === 1, { what: 'the whisper\'s client_event webhook' })
  const clientEvent = receiver.named('client_event')[0]
  assert.deepEqual({ ...clientEvent, socket_id: typeof clientEvent?.socket_id }, {
    name: 'client_event', channel: 'presence-room', event: 'client-typing', data: '{"on":true}', socket_id: 'string', user_id: '7',
  })
  assert.deepEqual(receiver.named('member_added'), [{ name: 'member_added', channel: 'presence-room', user_id: '7' }])
  assert.deepEqual(receiver.named('channel_occupied'), [{ name: 'channel_occupied', channel: 'presence-room' }])
  assert.ok(receiver.received.every((r) => r.valid))
})
