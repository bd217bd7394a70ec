import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import PusherServer from 'pusher'
import { offeredDirectEvents } from '../../src/http/direct-routing.js'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { clientOptions } from '../e2e/support/start-herald.js'
import { Pusher } from '../e2e/support/pusher-js.js'
import { signedApiRequest, type SignedRequestOptions } from '../helpers/signed-api-request.js'
import { waitFor } from '../helpers/wait-for.js'

// herald serve answers POST /apps/:id/events without Fastify's request lifecycle (direct-events.ts). These tests
// hold it to the route's behaviour: the same deliveries, and for every bad request the same status and body.
const app = { id: 'direct', key: 'direct-key', secret: 'direct-secret' }
const small = { id: 'small', key: 'small-key', secret: 'small-secret', maxEventPayloadSize: 100 }

function taken(server: HeraldServer): number {
  const direct = offeredDirectEvents(server.app)
  assert.ok(direct, 'the plugin offers a direct events path')
  return direct.taken
}

describe('herald serve: the direct events path', () => {
  let server: HeraldServer
  before(async () => {
    server = await startServer({ env: {}, config: { apps: [app, small], server: { host: '127.0.0.1', port: 0 } }, logger: false })
  })
  after(async () => {
    await server.close()
  })

  const sdk = (credentials: { id: string; key: string; secret: string } = app) =>
    new PusherServer({ appId: credentials.id, key: credentials.key, secret: credentials.secret, host: '127.0.0.1', port: String(server.port), useTLS: false })

  test('the pusher SDK’s trigger takes the direct path and reaches a pusher-js subscriber, socket_id excluded', async () => {
    const client = new Pusher(app.key, clientOptions(server.port, sdk()))
    const other = new Pusher(app.key, clientOptions(server.port, sdk()))
    try {
      const got: unknown[] = []
      const gotOther: unknown[] = []
      client.subscribe('orders').bind('shipped', (d: unknown) => got.push(d))
      other.subscribe('orders').bind('shipped', (d: unknown) => gotOther.push(d))
      await waitFor(() => client.channel('orders')?.subscribed && other.channel('orders')?.subscribed, { what: 'both subscriptions' })
      const before = taken(server)
      const response = await sdk().trigger('orders', 'shipped', { id: 1 }, { socket_id: other.connection.socket_id })
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.deepEqual(await response.json(), {})
      await waitFor(() => got.length === 1, { what: 'the event at the subscriber' })
      await sdk().trigger('orders', 'shipped', { id: 2 })
      await waitFor(() => got.length === 2 && gotOther.length === 1, { what: 'the second event at both' })
      assert.deepEqual(got, [{ id: 1 }, { id: 2 }])
      assert.deepEqual(gotOther, [{ id: 2 }], 'the excluded socket missed only the first event')
      assert.equal(taken(server) - before, 2, 'both publishes took the direct path')
    } finally {
      client.disconnect()
      other.disconnect()
    }
  })

  test('info answers the channel attributes, as the route does', async () => {
    const response = await sdk().trigger('nobody-here', 'x', {}, { info: 'subscription_count' })
    assert.deepEqual(await response.json(), { channels: { 'nobody-here': { subscription_count: 0 } } })
  })

  // Each case goes once over HTTP (the direct path, or Fastify when the direct path declines it) and once through
  // app.inject (always Fastify's route): the answers must be the same.
  const body = (data: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'e', channels: ['c'], data, ...extra })
  const cases: { name: string; direct: boolean; request: Omit<SignedRequestOptions, 'baseUrl'> }[] = [
    { name: 'valid', direct: true, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: body('{}') } },
    { name: 'body_md5 that does not match the body', direct: true, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: body('{}'), bodyMd5: '0'.repeat(32) } },
    { name: 'a body that is not JSON', direct: true, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: '{"name":' } },
    { name: 'an event without a name', direct: true, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: JSON.stringify({ channels: ['c'], data: '{}' }) } },
    { name: 'an invalid channel name', direct: true, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: body('{}', { channels: ['bad channel!'] }) } },
    { name: 'data over the app’s maxEventPayloadSize', direct: true, request: { method: 'POST', path: `/apps/${small.id}/events`, key: small.key, secret: small.secret, body: body('x'.repeat(150)) } },
    { name: 'a forged signature', direct: false, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: 'not-the-secret', body: body('{}') } },
    { name: 'a stale timestamp', direct: false, request: { method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: body('{}'), timestamp: 1_000_000 } },
    { name: 'the wrong key', direct: false, request: { method: 'POST', path: `/apps/${app.id}/events`, key: small.key, secret: app.secret, body: body('{}') } },
    { name: 'an unknown app', direct: false, request: { method: 'POST', path: '/apps/nobody/events', key: app.key, secret: app.secret, body: body('{}') } },
    { name: 'a Content-Length over the app’s body limit', direct: false, request: { method: 'POST', path: `/apps/${small.id}/events`, key: small.key, secret: small.secret, body: body('"'.repeat(30_000)) } },
  ]
  for (const c of cases) {
    test(`${c.name}: the same answer as Fastify’s route (${c.direct ? 'taken directly' : 'left to Fastify'})`, async () => {
      const before = taken(server)
      const overHttp = await signedApiRequest({ ...c.request, baseUrl: server.url })
      assert.equal(taken(server) - before, c.direct ? 1 : 0, c.direct ? 'taken by the direct path' : 'left to Fastify')
      // The same request through Fastify alone: app.inject does not pass through the HTTP server's listener.
      let injected: { status: number; body: unknown; contentType: string | undefined } | undefined
      await signedApiRequest({
        ...c.request,
        baseUrl: 'http://inject.local',
        fetch: async (url, init) => {
          const target = new URL(url)
          const res: LightMyRequestResponse = await server.app.inject({ method: 'POST', url: target.pathname + target.search, headers: { 'content-type': 'application/json' }, payload: init.body ?? '' })
          injected = { status: res.statusCode, body: res.json(), contentType: res.headers['content-type'] as string | undefined }
          return new Response(res.body, { status: res.statusCode })
        },
      })
      assert.ok(injected)
      assert.equal(taken(server) - before, c.direct ? 1 : 0, 'inject never takes the direct path')
      assert.equal(overHttp.status, injected.status)
      // A stale timestamp's message names the seconds between it and the server clock, which moves between the two requests.
      const comparable = (body: unknown) => (c.name === 'a stale timestamp' ? JSON.stringify(body).replace(/\d+/g, 'N') : body)
      assert.deepEqual(comparable(overHttp.body), comparable(injected.body))
      assert.equal(overHttp.headers.get('content-type'), injected.contentType)
      if (c.name !== 'valid') assert.ok(overHttp.status >= 400, `refused (got ${overHttp.status})`)
    })
  }
})

describe('herald serve behind a proxy (trustProxy): every request goes through Fastify', () => {
  test('a valid publish is answered, and not by the direct path', async () => {
    const server = await startServer({ env: {}, config: { apps: [app], server: { host: '127.0.0.1', port: 0, trustProxy: true } }, logger: false })
    try {
      const response = await signedApiRequest({ baseUrl: server.url, method: 'POST', path: `/apps/${app.id}/events`, key: app.key, secret: app.secret, body: JSON.stringify({ name: 'e', channels: ['c'], data: '{}' }) })
      assert.equal(response.status, 200)
      assert.equal(taken(server), 0)
    } finally {
      await server.close()
    }
  })
})
