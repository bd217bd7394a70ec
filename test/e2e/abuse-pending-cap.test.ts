import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import WebSocket from 'ws'
import { stalledBody, type AttackSocket } from '../../bench/lib/abuse-clients.js'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

// Issue 11: one client address may hold at most maxPendingPerAddress unfinished requests and upgrades.
const CAP = 10

let server: TestHerald
const attacks: AttackSocket[] = []
before(async () => {
  server = await startHerald({ config: { server: { maxPendingPerAddress: CAP, metrics: true } } })
})
after(async () => {
  for (const a of attacks) a.destroy()
  await server.close()
})

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  if (line === undefined) throw new Error(`no ${name} in /metrics`)
  return Number(line.split(' ')[1])
}

async function upgradeStatus(): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/app-key?protocol=7`)
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('error', reject)
  })
}

test('past the cap, requests and upgrades from the address get 503 and are counted; GET /up and /metrics still answer', async () => {
  // The host's own timeouts are 0 here, so these bodies stay pending until the test drops them.
  const first = await Promise.all(Array.from({ length: CAP }, () => stalledBody(server.port, { path: '/broadcasting/auth', contentLength: 200, sent: 20, contentType: 'application/x-www-form-urlencoded' })))
  attacks.push(...first)
  await waitFor(async () => (await metric('herald_pending_requests')) === CAP, { what: `${CAP} pending requests in /metrics` })

  const over = await Promise.all(Array.from({ length: 5 }, () => stalledBody(server.port, { path: '/broadcasting/auth', contentLength: 200, sent: 20, contentType: 'application/x-www-form-urlencoded' })))
  attacks.push(...over)
  await waitFor(() => over.every((a) => a.closedAfterMs() !== undefined), { what: 'the requests over the cap to be refused and closed' })
  assert.deepEqual(new Set(over.map((a) => a.httpStatus())), new Set([503]))
  assert.match(over[0]?.received().toString() ?? '', /HERALD_ERR_TOO_MANY_PENDING/)
  assert.equal(await upgradeStatus(), 503)
  assert.equal(await metric('herald_pending_refused_total'), 6)
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/up`)).status, 200)
  assert.equal(first.filter((a) => a.closedAfterMs() !== undefined).length, 0, 'the requests within the cap are untouched')

  for (const a of first) a.destroy()
  await waitFor(async () => (await metric('herald_pending_requests')) === 0, { what: 'the pending count to drop when the clients go' })
  assert.equal(await upgradeStatus(), 101)
  const c = await RawClient.connect(server.port)
  assert.equal(c.frames[0]?.event, 'pusher:connection_established')
  c.close()
})

test('answered requests and accepted WebSockets do not count against the cap', async () => {
  const sockets = await Promise.all(Array.from({ length: CAP * 3 }, () => RawClient.connect(server.port)))
  for (let i = 0; i < CAP * 3; i++) assert.equal((await server.sdk.trigger('news', 'E', { i })).status, 200)
  assert.equal(await metric('herald_pending_requests'), 0)
  for (const s of sockets) s.close()
})
