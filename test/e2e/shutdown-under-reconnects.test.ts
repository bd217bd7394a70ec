// Graceful shutdown while clients keep reconnecting: `app.close()` must resolve within its bound
// whatever the clients do (reconnect at once, never answer the close handshake, never close their TCP side).
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { test } from 'node:test'
import WebSocket from 'ws'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

const SHUTDOWN_MS = 1500
/** Generous: the close must resolve, not be fast; a hang fails here instead of at the runner's timeout. */
const CLOSE_BOUND_MS = 30_000

async function closeWithin(server: TestHerald, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`app.close() did not resolve within ${ms} ms`)), ms)
  })
  try {
    await Promise.race([server.app.close(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Raw ws clients that open a new connection the moment theirs closes, as a reconnect loop does. */
function reconnectingClients(port: number, n: number): { codes: number[]; opened: () => number; stop: () => void } {
  let stopped = false
  let opened = 0
  const codes: number[] = []
  const live = new Set<WebSocket>()
  const spawn = (): void => {
    if (stopped) return
    const ws = new WebSocket(`ws://127.0.0.1:${port}/app/app-key?protocol=7`)
    live.add(ws)
    ws.on('open', () => opened++)
    ws.on('error', () => {})
    ws.on('close', (code) => {
      live.delete(ws)
      codes.push(code)
      spawn()
    })
  }
  for (let i = 0; i < n; i++) spawn()
  return { codes, opened: () => opened, stop: () => { stopped = true; for (const ws of live) ws.terminate() } }
}

/** Keep-alive HTTP requests in a loop, as a page's XHRs keep sockets busy. */
function keepAliveTraffic(port: number): { count: () => number; stop: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  let stopped = false
  let count = 0
  const next = (): void => {
    if (stopped) return
    const req = request({ host: '127.0.0.1', port, path: '/up', agent }, (res) => {
      res.resume()
      res.on('end', () => { count++; next() })
    })
    req.on('error', () => {})
    req.end()
  }
  for (let i = 0; i < 4; i++) next()
  return { count: () => count, stop: () => { stopped = true; agent.destroy() } }
}

test('app.close() resolves while raw and pusher-js clients reconnect at once and keep-alive HTTP traffic runs; clients saw 4200', { timeout: 60_000 }, async (t) => {
  const server = await startHerald({ shutdownTimeoutMs: SHUTDOWN_MS })
  const raw = reconnectingClients(server.port, 20)
  const http = keepAliveTraffic(server.port)
  const pushers = await Promise.all(Array.from({ length: 5 }, () => server.client()))
  t.after(() => {
    raw.stop()
    http.stop()
    for (const p of pushers) p.disconnect()
  })
  let reconnecting = 0
  for (const p of pushers) {
    p.connection.bind('state_change', (s: { current: string }) => {
      if (s.current === 'connecting') reconnecting++
    })
  }
  // A client that never answers the closing handshake: only the deadline gets rid of it.
  const mute = await RawClient.connect(server.port)
  ;(mute.ws as unknown as { _socket: Socket })._socket.pause()
  await waitFor(() => raw.opened() >= 20 && http.count() >= 20, { what: 'reconnecting clients and HTTP traffic to be running' })

  await closeWithin(server, CLOSE_BOUND_MS)

  assert.ok(raw.codes.filter((c) => c === 4200).length >= 20, `raw clients saw 4200 (got ${raw.codes.slice(0, 30).join(',')})`)
  assert.ok(reconnecting >= 5, `every pusher-js client started reconnecting (${reconnecting} reconnects seen)`)
})

test('app.close() resolves when a client that upgrades during shutdown never closes its side of the TCP connection', { timeout: 60_000 }, async () => {
  const server = await startHerald({ shutdownTimeoutMs: 3000 })
  // Keeps the graceful phase open (it never answers the close handshake) so the upgrade below lands in it.
  const mute = await RawClient.connect(server.port)
  ;(mute.ws as unknown as { _socket: Socket })._socket.pause()
  const probe = await RawClient.connect(server.port)
  // An upgrade on a keep-alive connection opened before the shutdown: the listener is closed by then.
  const socket = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true })
  socket.on('error', () => {})
  await once(socket, 'connect')
  const serverClosed = once(server.app.server, 'close')
  const closing = closeWithin(server, CLOSE_BOUND_MS)
  assert.equal((await probe.waitClosed('the shutdown to send 4200')).code, 4200)
  // A half-open-tolerant client: it reads the answer but never sends FIN, and never destroys its socket.
  let answer = ''
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString()
  })
  socket.write('GET /app/app-key?protocol=7 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
  try {
    await closing
    // Every socket is gone, the refused one included: nothing keeps the process alive.
    await waitFor(() => serverClosed.then(() => true), { what: "the HTTP server's close event (all sockets gone)", timeoutMs: 10_000 })
  } finally {
    socket.destroy()
  }
  assert.match(answer, /^HTTP\/1\.1 503 /)
})

test('app.close() resolves when a broadcasting driver never finishes closing', { timeout: 60_000 }, async () => {
  let closeCalled = false
  const stuck = {
    broadcast: async () => {},
    close: () => {
      closeCalled = true
      return new Promise<void>(() => {})
    },
  }
  const server = await startHerald({ shutdownTimeoutMs: 500, broadcaster: stuck })
  const client = await RawClient.connect(server.port)
  await closeWithin(server, CLOSE_BOUND_MS)
  assert.equal(closeCalled, true)
  assert.equal((await client.waitClosed()).code, 4200)
})
