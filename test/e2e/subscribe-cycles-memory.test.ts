import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import WebSocket from 'ws'
import { waitFor } from '../helpers/wait-for.js'
import { startHerald, type TestHerald } from './support/start-herald.js'
import { exposeGc } from '../helpers/expose-gc.js'

const gc = exposeGc()

let server: TestHerald
before(async () => {
  server = await startHerald()
})
after(async () => {
  await server.close()
})

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

test('10,000 subscribe/unsubscribe cycles (distinct channels, presence included) leave no heap growth', { timeout: 60_000 }, async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/app-key?protocol=7`)
  let socketId = ''
  let succeeded = 0
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { event: string; data: string }
    if (frame.event === 'pusher:connection_established') socketId = (JSON.parse(frame.data) as { socket_id: string }).socket_id
    else if (frame.event === 'pusher_internal:subscription_succeeded') succeeded++
  })
  await waitFor(() => socketId !== '', { what: 'connection_established' })
  const cycles = async (from: number, count: number): Promise<void> => {
    const batch = 250
    for (let i = from; i < from + count; i += batch) {
      for (let j = i; j < i + batch; j++) {
        const channel = j % 2 === 0 ? `room-${j}` : `presence-room-${j}`
        const auth = j % 2 === 0 ? { auth: '' } : server.sdk.authorizeChannel(socketId, channel, { user_id: `u${j}` })
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, ...auth } }))
        ws.send(JSON.stringify({ event: 'pusher:unsubscribe', data: { channel } }))
      }
      await waitFor(() => succeeded === i + batch, { what: `${i + batch} subscriptions acknowledged`, timeoutMs: 20_000 })
    }
  }
  await cycles(0, 1000) // warm-up: JIT, ws buffers, maps at steady size
  const before = heapAfterGc()
  await cycles(1000, 10_000)
  const afterCycles = heapAfterGc()
  const growth = afterCycles - before
  console.log(`# heapUsed before ${before} after ${afterCycles} growth ${growth} bytes over 10,000 cycles`)
  assert.deepEqual(await server.app.herald.hub.channels('app-id'), new Map())
  assert.ok(growth < 1024 * 1024, `heap grew by ${growth} bytes over 10,000 cycles`)
  ws.close()
})
