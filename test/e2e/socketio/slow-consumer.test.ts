import assert from 'node:assert/strict'
import type { Socket as TcpSocket } from 'node:net'
import { after, before, test } from 'node:test'
import { io, type Socket } from 'socket.io-client'
import { waitFor } from '../../helpers/wait-for.js'
import { APP, startHerald, type TestHerald } from '../support/start-herald.js'

let server: TestHerald
before(async () => {
  server = await startHerald({ socketio: true, maxBufferedBytes: 64 * 1024 })
})
after(async () => {
  await server.close()
})

async function subscribed(channel: string): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${server.port}`, { forceNew: true, transports: ['websocket'], reconnection: false })
  await waitFor(() => socket.connected, { what: 'connect' })
  assert.deepEqual(await socket.emitWithAck('subscribe', { channel }), { ok: true })
  return socket
}

test('a Socket.IO consumer that stops reading loses its transport once its buffer passes the bound; others keep receiving', async () => {
  const slow = await subscribed('firehose')
  const fast = await subscribed('firehose')
  let atFast = 0
  fast.on('Blob', () => atFast++)
  const slowReasons: string[] = []
  slow.on('disconnect', (reason) => slowReasons.push(reason))
  // The client's TCP socket under its engine.io WebSocket stops reading.
  const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket
  tcp.pause()
  const data = JSON.stringify({ blob: 'x'.repeat(32 * 1024) })
  const subscribers = async (): Promise<number> => (await server.app.herald.hub.channel(APP.id, 'firehose')).subscriptionCount
  let sent = 0
  // Publish until the server drops the paused socket; bounded so a broken bound fails instead of hanging.
  while ((await subscribers()) === 2 && sent < 5000) {
    await server.app.herald.hub.publish({ appId: APP.id, channels: ['firehose'], event: 'Blob', data })
    sent++
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.ok(sent < 5000, `the slow socket was never dropped after ${sent} events`)
  assert.equal(await subscribers(), 1)
  tcp.resume()
  await waitFor(() => slowReasons.length === 1, { what: 'the slow consumer to see its transport close' })
  assert.equal(slowReasons[0], 'transport close', 'a transport close, which socket.io-client would reconnect after')
  await waitFor(() => atFast === sent, { what: `all ${sent} events at the fast consumer` })
  fast.disconnect()
})
