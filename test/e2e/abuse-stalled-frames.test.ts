import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { stalledFrame, type AttackSocket } from '../../bench/lib/abuse-clients.js'
import { exposeGc } from '../helpers/expose-gc.js'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

// Issue 11, attack 1: WebSockets that declare a large frame and stall in it must cost neither memory nor sockets.
const FRAME_TIMEOUT_MS = 1000
// The sweep (a quarter of the bound), the close grace (1 s) and a loaded machine's delay.
const CLOSE_MARGIN_MS = 6000
const ATTACKERS = 300
const MIB = 1024 * 1024
const gc = exposeGc()

let server: TestHerald
const attacks: AttackSocket[] = []
before(async () => {
  server = await startHerald({
    config: {
      server: { frameTimeoutMs: FRAME_TIMEOUT_MS },
      apps: [
        { id: 'app-id', key: 'app-key', secret: 'app-secret', maxMessageSize: 2000 },
        { id: 'big', key: 'big-key', secret: 'big-secret', maxMessageSize: 100_000 },
      ],
    },
  })
})
after(async () => {
  for (const a of attacks) a.destroy()
  await server.close()
})

async function bystander(): Promise<RawClient> {
  const c = await RawClient.connect(server.port)
  c.send({ event: 'pusher:subscribe', data: { channel: 'news' } })
  await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'the bystander subscribed')
  return c
}

async function stillServed(c: RawClient, what: string): Promise<void> {
  const from = c.frames.length
  await server.sdk.trigger('news', 'Still', { what })
  await c.next((f) => f.event === 'Still', `the bystander still receives events (${what})`, from)
}

test('a message over its own app limit is refused with 1009 as its header arrives, though another app allows it', async () => {
  // 50 000 bytes is within the big app's limit, hence within ws's one maxPayload for the server.
  const refused = await stalledFrame(server.port, { key: 'app-key', declared: 50_000, sent: 0 })
  attacks.push(refused)
  await waitFor(() => refused.closedAfterMs() !== undefined, { what: 'the over-limit connection to close' })
  assert.equal(refused.wsCloseCode(), 1009)

  const allowed = await RawClient.connect(server.port, '/app/big-key?protocol=7')
  const frame = JSON.stringify({ event: 'pusher:ping', data: { pad: 'x'.repeat(50_000) } })
  allowed.send(frame)
  await allowed.next((f) => f.event === 'pusher:pong', 'the big app to take a 50 kB frame')
  assert.equal(allowed.closed, undefined)
  allowed.close()
})

test('a frame a bit over maxMessageSize still gets the friendly pusher:error and the connection stays', async () => {
  const c = await RawClient.connect(server.port)
  c.send({ event: 'client-x', channel: 'orders', data: 'x'.repeat(3000) })
  const error = await c.next((f) => f.event === 'pusher:error', 'the size error')
  assert.match(String(RawClient.data(error).message), /exceeds the limit of 2000 bytes/)
  c.send({ event: 'pusher:ping' })
  await c.next((f) => f.event === 'pusher:pong', 'the connection still answers')
  c.close()
})

test(`${ATTACKERS} connections stalled in a declared 1 MB frame are refused (1009) without buffering; memory stays bounded`, async () => {
  const watcher = await bystander()
  gc()
  const rssBefore = process.memoryUsage().rss
  // 256 KiB each: 75 MiB in all, which a server buffering partial frames (ws's 1 MiB cap) would hold.
  const batch = await Promise.all(Array.from({ length: ATTACKERS }, () => stalledFrame(server.port, { key: 'app-key', declared: 1_048_000, sent: 256 * 1024 })))
  attacks.push(...batch)
  await waitFor(() => batch.every((a) => a.closedAfterMs() !== undefined), { what: `all ${ATTACKERS} attackers closed`, timeoutMs: FRAME_TIMEOUT_MS + CLOSE_MARGIN_MS })
  assert.deepEqual(new Set(batch.map((a) => a.wsCloseCode())), new Set([1009]))
  gc()
  const grown = process.memoryUsage().rss - rssBefore
  assert.ok(grown < 50 * MIB, `RSS grew by ${(grown / MIB).toFixed(1)} MiB`)
  await stillServed(watcher, 'after the large frames')
  watcher.close()
})

test(`${ATTACKERS} connections stalled inside an allowed frame are closed (1008) within frameTimeoutMs; others unaffected`, async () => {
  const watcher = await bystander()
  const batch = await Promise.all(Array.from({ length: ATTACKERS }, () => stalledFrame(server.port, { key: 'app-key', declared: 1900, sent: 900 })))
  attacks.push(...batch)
  // Still open well inside the bound: the deadline is on the frame, not an immediate refusal.
  await stillServed(watcher, 'while the stalled frames are pending')
  await waitFor(() => batch.every((a) => a.closedAfterMs() !== undefined), { what: `all ${ATTACKERS} stalled connections closed`, timeoutMs: FRAME_TIMEOUT_MS + CLOSE_MARGIN_MS })
  assert.deepEqual(new Set(batch.map((a) => a.wsCloseCode())), new Set([1008]))
  const slowest = Math.max(...batch.map((a) => a.closedAfterMs() ?? Infinity))
  assert.ok(slowest <= FRAME_TIMEOUT_MS + CLOSE_MARGIN_MS, `the last stalled connection closed ${slowest} ms after its last byte`)
  await waitFor(() => server.app.websocketServer.clients.size < 5, { what: 'the server to let go of the closed connections', timeoutMs: CLOSE_MARGIN_MS })
  await stillServed(watcher, 'after the stalled frames')
  watcher.close()
})

test('a fragmented message is held to the limit across its fragments', async () => {
  const c = await RawClient.connect(server.port)
  // Three fragments of 2 500 bytes: each is under the 6 096-byte bound, the message is not.
  const part = 'x'.repeat(2500)
  c.ws.send(part, { fin: false })
  c.ws.send(part, { fin: false })
  c.ws.send(part, { fin: true })
  assert.equal((await c.waitClosed()).code, 1009)
})
