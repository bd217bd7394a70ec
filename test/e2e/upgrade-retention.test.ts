import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { after, before, test } from 'node:test'
import { setImmediate as turn } from 'node:timers/promises'
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

// An idle connection must not keep its upgrade request alive: with @fastify/websocket the request is
// reachable from the socket through the never-finished ServerResponse and an error-listener closure.
test('an open WebSocket connection does not retain its HTTP upgrade request', { timeout: 20_000 }, async () => {
  const upgrades: WeakRef<IncomingMessage>[] = []
  server.app.server.prependListener('upgrade', (req: IncomingMessage) => upgrades.push(new WeakRef(req)))
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/app-key?protocol=7`)
  after(() => ws.terminate())
  let established = false
  ws.on('message', (raw) => {
    if ((JSON.parse(raw.toString()) as { event: string }).event === 'pusher:connection_established') established = true
  })
  await waitFor(() => established, { what: 'connection_established' })
  assert.equal(upgrades.length, 1)
  // deref() keeps its target alive until the current job ends, so each GC runs in a fresh turn, before any deref.
  for (let i = 0; i < 5; i++) {
    await turn()
    gc()
    if (upgrades[0]?.deref() === undefined) break
  }
  assert.equal(upgrades[0]?.deref(), undefined, 'the upgrade IncomingMessage is still reachable while the socket is open')
  // The connection still works after its request was collected.
  ws.send(JSON.stringify({ event: 'pusher:ping', data: {} }))
  await new Promise<void>((resolve) => ws.on('message', (raw) => {
    if ((JSON.parse(raw.toString()) as { event: string }).event === 'pusher:pong') resolve()
  }))
})
