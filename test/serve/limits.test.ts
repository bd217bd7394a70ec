import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import PusherServer from 'pusher'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { RawClient } from '../e2e/support/raw-client.js'
import { signedApiRequest } from '../helpers/signed-api-request.js'

// Each app sets one limit; `free` sets none and shows the others' limits are theirs alone.
const apps = {
  whisper: { id: 'whisper', key: 'whisper-key', secret: 'whisper-secret', maxClientEventsPerSecond: 3 },
  api: { id: 'api', key: 'api-key', secret: 'api-secret', maxApiRequestsPerSecond: 2 },
  ip: { id: 'ip', key: 'ip-key', secret: 'ip-secret', maxConnectionsPerIpPerSecond: 2 },
  free: { id: 'free', key: 'free-key', secret: 'free-secret' },
}

describe('per-app limits set by the operator', () => {
  let server: HeraldServer
  const sockets: RawClient[] = []
  const connect = async (key: string) => {
    const client = await RawClient.connect(server.port, `/app/${key}?protocol=7`)
    sockets.push(client)
    return client
  }
  const api = (app: { id: string; key: string; secret: string }) =>
    signedApiRequest({ baseUrl: server.url, method: 'GET', path: `/apps/${app.id}/channels`, key: app.key, secret: app.secret })

  before(async () => {
    server = await startServer({ env: {}, config: { apps: Object.values(apps), server: { host: '127.0.0.1', port: 0 } }, logger: false })
  })
  after(async () => {
    for (const s of sockets) s.close()
    await server.close()
  })

  test('maxClientEventsPerSecond: past it a client event is refused with 4301 naming the limit; the socket stays open', async () => {
    const sdk = new PusherServer({ appId: apps.whisper.id, key: apps.whisper.key, secret: apps.whisper.secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
    const c = await connect(apps.whisper.key)
    c.send({ event: 'pusher:subscribe', data: { channel: 'private-flood', auth: sdk.authorizeChannel(c.socketId, 'private-flood').auth } })
    await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'the subscription')
    // 7 events: however a second boundary splits them, one window gets more than 3.
    for (let i = 0; i < 7; i++) c.send({ event: 'client-x', channel: 'private-flood', data: {} })
    const err = await c.next((f) => f.event === 'pusher:error', 'a rate-limit refusal')
    assert.equal(RawClient.data(err).code, 4301)
    assert.match(String(RawClient.data(err).message), /rate limit of 3\/s/)
    assert.equal(c.closed, undefined)
  })

  test('maxApiRequestsPerSecond: past it the HTTP API answers 429 with Retry-After; other apps are not limited', async () => {
    const answers = await Promise.all(Array.from({ length: 7 }, () => api(apps.api)))
    const refused = answers.filter((a) => a.status === 429)
    assert.ok(refused.length >= 1, `some of 7 requests refused (got ${answers.map((a) => a.status).join(',')})`)
    assert.ok(answers.every((a) => a.status === 200 || a.status === 429))
    const first = refused[0]
    assert.ok(first)
    assert.equal((first.body as { code?: string }).code, 'HERALD_ERR_RATE_LIMITED')
    assert.match((first.body as { error?: string }).error ?? '', /over its limit of 2 API requests per second/)
    assert.equal(first.headers.get('retry-after'), '1')
    const free = await Promise.all(Array.from({ length: 7 }, () => api(apps.free)))
    assert.deepEqual(free.map((a) => a.status), Array(7).fill(200))
    // A badly signed request is refused as such (401) and uses up nothing.
    const forged = await signedApiRequest({ baseUrl: server.url, method: 'GET', path: `/apps/${apps.api.id}/channels`, key: apps.api.key, secret: 'wrong' })
    assert.equal(forged.status, 401)
  })

  test('maxConnectionsPerIpPerSecond: past it a connection is refused with 4100 and closed; other apps are not limited', async () => {
    const attempts = await Promise.all(Array.from({ length: 7 }, () => connect(apps.ip.key)))
    const refused = attempts.filter((c) => c.frames[0]?.event === 'pusher:error')
    assert.ok(refused.length >= 1, 'some of 7 connections refused')
    const frame = refused[0]?.frames[0]
    assert.equal(RawClient.data(frame!).code, 4100)
    assert.match(String(RawClient.data(frame!).message), /Too many connections from this address; the limit is 2 per second/)
    assert.equal((await refused[0]!.waitClosed()).code, 4100)
    const free = await Promise.all(Array.from({ length: 7 }, () => connect(apps.free.key)))
    assert.ok(free.every((c) => c.frames[0]?.event === 'pusher:connection_established'))
  })
})

test('server.trustProxy: behind a load balancer the per-IP limit counts X-Forwarded-For addresses', async (t) => {
  const app = { id: 'lb', key: 'lb-key', secret: 'lb-secret', maxConnectionsPerIpPerSecond: 2 }
  const server = await startServer({ env: { HERALD_TRUST_PROXY: 'true' }, config: { apps: [app], server: { host: '127.0.0.1', port: 0 } }, logger: false })
  const sockets: RawClient[] = []
  t.after(async () => {
    for (const s of sockets) s.close()
    await server.close()
  })
  const from = async (address: string) => {
    const client = await RawClient.connect(server.port, `/app/${app.key}?protocol=7`, { 'x-forwarded-for': address })
    sockets.push(client)
    return client.frames[0]?.event
  }
  // Seven clients behind one balancer, each its own address: none is limited.
  const distinct = await Promise.all(Array.from({ length: 7 }, (_, i) => from(`203.0.113.${i + 1}`)))
  assert.deepEqual(distinct, Array(7).fill('pusher:connection_established'))
  // Seven from one address: however a second boundary splits them, some are refused.
  const same = await Promise.all(Array.from({ length: 7 }, () => from('198.51.100.7')))
  assert.ok(same.includes('pusher:error'), same.join(','))
})
