import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import PusherServer from 'pusher'
import { signedApiPath, stalledBody, stalledHeaders, type AttackSocket } from '../../bench/lib/abuse-clients.js'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { exposeGc } from '../helpers/expose-gc.js'
import { waitFor } from '../helpers/wait-for.js'

// Issue 11, attacks 2 and 3 against `herald serve`: stalled request bodies and unsigned large bodies.
const HEADERS_TIMEOUT_MS = 1000
const REQUEST_TIMEOUT_MS = 2000
// Node checks its timeouts every quarter of the headers timeout here; plus a loaded machine's delay.
const CLOSE_MARGIN_MS = 6000
const ATTACKERS = 300
const MIB = 1024 * 1024
const APP = { appId: 'app-id', key: 'app-key', secret: 'app-secret' }
const gc = exposeGc()

let server: HeraldServer
let sdk: PusherServer
const attacks: AttackSocket[] = []
before(async () => {
  server = await startServer({
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      HERALD_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HERALD_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // This file is about timeouts and early refusals; the per-address cap has its own test.
      HERALD_MAX_PENDING_PER_ADDRESS: '0',
    },
    logger: false,
  })
  sdk = new PusherServer({ ...APP, host: '127.0.0.1', port: String(server.port), useTLS: false })
})
after(async () => {
  for (const a of attacks) a.destroy()
  await server.close()
})

async function attack(make: () => Promise<AttackSocket>, count = ATTACKERS): Promise<AttackSocket[]> {
  const batch = await Promise.all(Array.from({ length: count }, make))
  attacks.push(...batch)
  return batch
}

async function allClosed(batch: AttackSocket[], boundMs: number, what: string): Promise<void> {
  await waitFor(() => batch.every((a) => a.closedAfterMs() !== undefined), { what: `all ${batch.length} ${what} closed`, timeoutMs: boundMs + CLOSE_MARGIN_MS })
  const slowest = Math.max(...batch.map((a) => a.closedAfterMs() ?? Infinity))
  assert.ok(slowest <= boundMs + CLOSE_MARGIN_MS, `the last of the ${what} closed ${slowest} ms after its last byte`)
}

test(`${ATTACKERS} unsigned 1 MB POSTs are answered 401 from their headers and closed; no body is buffered`, async () => {
  gc()
  const rssBefore = process.memoryUsage().rss
  // 256 KiB sent each: 75 MiB in all, which a server reading bodies before the signature would hold.
  const batch = await attack(() => stalledBody(server.port, { path: '/apps/app-id/events', contentLength: 1_048_000, sent: 256 * 1024 }))
  await allClosed(batch, 0, 'unsigned requests')
  // The server closes with the attacker's bytes unread, so the kernel may reset the connection before the
  // client reads the 401; whatever was read is a 401.
  const statuses = batch.map((a) => a.httpStatus())
  assert.ok(statuses.includes(401), 'no attacker read a 401')
  assert.deepEqual(new Set(statuses.filter((s) => s !== undefined)), new Set([401]))
  gc()
  const grown = process.memoryUsage().rss - rssBefore
  assert.ok(grown < 50 * MIB, `RSS grew by ${(grown / MIB).toFixed(1)} MiB`)
  await sdk.trigger('news', 'Still', { ok: true })
})

test('a signed request declaring a body over its route limit is 413 before the body; one at the limit is read', async () => {
  // Default maxEventPayloadSize 10 240: the /events limit is 2 × 10 240 + 24 KiB.
  const tooBig = 2 * 10_240 + 24 * 1024 + 1
  const refused = await stalledBody(server.port, { path: signedApiPath({ ...APP, route: 'events', body: 'x'.repeat(tooBig) }), contentLength: tooBig, sent: 0 })
  attacks.push(refused)
  await waitFor(() => refused.httpStatus(), { what: 'the 413' })
  assert.equal(refused.httpStatus(), 413)
  assert.match(refused.received().toString(), /HERALD_ERR_PAYLOAD_TOO_LARGE/)
  // Signed, so the server lets it send the rest (to read its 413 cleanly), bounded by the request timeout.
  await waitFor(() => refused.closedAfterMs() !== undefined, { what: 'the refused connection to close', timeoutMs: REQUEST_TIMEOUT_MS + CLOSE_MARGIN_MS })
  // A signed publisher sending a whole oversized body reads the 413 and its reason, not a reset.
  const body = JSON.stringify({ name: 'E', channel: 'news', data: 'x'.repeat(200_000) })
  const answer = await fetch(`${server.url}${signedApiPath({ ...APP, route: 'events', body })}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  assert.equal(answer.status, 413)
  assert.match(((await answer.json()) as { error: string }).error, /the limit is 45056 bytes/)
  // A real event with 10 240 bytes of quote-heavy data (escaped to twice that) still goes through.
  const response = await sdk.trigger('news', 'Big', '"'.repeat(10_238))
  assert.equal(response.status, 200)
})

test('/broadcasting/auth refuses a body over 16 KiB from its Content-Length', async () => {
  const refused = await stalledBody(server.port, { path: '/broadcasting/auth', contentLength: 1_048_000, sent: 0, contentType: 'application/x-www-form-urlencoded' })
  attacks.push(refused)
  await waitFor(() => refused.closedAfterMs() !== undefined, { what: 'the auth request to be refused and closed' })
  assert.equal(refused.httpStatus(), 413)
})

test(`${ATTACKERS} signed requests whose body stalls are dropped within requestTimeoutMs; publishing still works`, async () => {
  const body = JSON.stringify({ name: 'E', channel: 'news', data: 'x'.repeat(900) })
  const path = signedApiPath({ ...APP, route: 'events', body })
  const batch = await attack(() => stalledBody(server.port, { path, contentLength: body.length, sent: 20 }))
  const during = await sdk.trigger('news', 'During', { ok: true })
  assert.equal(during.status, 200)
  await allClosed(batch, REQUEST_TIMEOUT_MS, 'stalled bodies')
  assert.deepEqual(new Set(batch.map((a) => a.httpStatus())), new Set([408]))
})

test(`${ATTACKERS} stalled auth bodies and ${ATTACKERS} stalled headers are dropped within their timeouts`, async () => {
  const bodies = await attack(() => stalledBody(server.port, { path: '/broadcasting/auth', contentLength: 200, sent: 20, contentType: 'application/x-www-form-urlencoded' }))
  const headers = await attack(() => stalledHeaders(server.port, { path: '/apps/app-id/events' }))
  await allClosed(headers, HEADERS_TIMEOUT_MS, 'stalled headers')
  await allClosed(bodies, REQUEST_TIMEOUT_MS, 'stalled auth bodies')
  assert.equal((await fetch(`${server.url}/up`)).status, 200)
})

test('the server carries the configured timeouts, keep-alive at its proxy-like default', () => {
  const http = server.app.server
  assert.deepEqual([http.headersTimeout, http.requestTimeout, http.keepAliveTimeout], [HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, 72_000])
})
