import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import Pusher from 'pusher'
import { pusherApiRoutes } from '../../../src/http/routes/pusher-api/index.js'
import { RecordingHub, staticApps, testApp } from '../../helpers/recording-hub.js'
import { signedApiRequest, type SignedRequestOptions } from '../../helpers/signed-api-request.js'

const app = testApp()
const smallApp = testApp({ id: 'small', key: 'small-key', secret: 'small-secret', maxEventPayloadSize: 100 })

interface Server {
  fastify: FastifyInstance
  hub: RecordingHub
  baseUrl: string
  port: number
}

async function startServer(prefix?: string): Promise<Server> {
  const hub = new RecordingHub()
  const fastify = Fastify({ logger: false })
  await fastify.register(pusherApiRoutes, { apps: staticApps(app, smallApp), hub, ...(prefix !== undefined ? { prefix } : {}) })
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  const address = fastify.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { fastify, hub, port: address.port, baseUrl: `http://127.0.0.1:${address.port}` }
}

function sdk(server: Server, credentials = app): Pusher {
  return new Pusher({ appId: credentials.id, key: credentials.key, secret: credentials.secret, host: '127.0.0.1', port: String(server.port), useTLS: false, timeout: 5000 })
}

/** The `error` sentence of an error body (JSON text or parsed), for matching without JSON escaping. */
function errorOf(body: unknown): string {
  const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body
  const error = (parsed as { error?: unknown } | null)?.error
  return typeof error === 'string' ? error : JSON.stringify(body)
}

async function statusOf(promise: Promise<unknown>): Promise<{ status: number | undefined; body: string | undefined }> {
  try {
    await promise
    return { status: 200, body: undefined }
  } catch (err) {
    if (err instanceof Pusher.RequestError) return { status: err.status, body: err.body }
    throw err
  }
}

describe('Pusher HTTP API driven by the official pusher SDK', () => {
  let server: Server
  before(async () => {
    server = await startServer()
  })
  after(async () => {
    await server.fastify.close()
  })

  test('trigger publishes the data string verbatim, once, to every channel, with socket_id excluded', async () => {
    server.hub.published.length = 0
    const response = await sdk(server).trigger(['orders', 'private-orders.1'], 'OrderShipped', { order: { id: 1 } }, { socket_id: '123.456' })
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {})
    assert.deepEqual(server.hub.published, [
      { appId: 'app-id', channels: ['orders', 'private-orders.1'], event: 'OrderShipped', data: '{"order":{"id":1}}', exceptSocketId: '123.456' },
    ])
    assert.equal('userId' in (server.hub.published[0] ?? {}), false, 'server events carry no user_id')
  })

  test('data that is not JSON, or JSON with odd spacing, is forwarded byte for byte', async () => {
    server.hub.published.length = 0
    await sdk(server).trigger('news', 'raw', 'plain text, not JSON')
    await sdk(server).trigger('news', 'spaced', '{ "a" :  1.50 , "u":"\u00e9\\u00e9" }')
    assert.deepEqual(
      server.hub.published.map((p) => p.data),
      ['plain text, not JSON', '{ "a" :  1.50 , "u":"\u00e9\\u00e9" }'],
    )
  })

  test('trigger with info answers the attributes of each channel', async () => {
    server.hub.setChannel('app-id', 'presence-room', { subscriptionCount: 3, users: ['1', '2', '2'] })
    server.hub.setChannel('app-id', 'news', { subscriptionCount: 5 })
    const response = await sdk(server).trigger(['presence-room', 'news'], 'ev', {}, { info: 'user_count,subscription_count' })
    assert.deepEqual(await response.json(), {
      channels: { 'presence-room': { user_count: 2, subscription_count: 3 }, news: { subscription_count: 5 } },
    })
  })

  test('triggerBatch publishes each event in order and answers {} ', async () => {
    server.hub.published.length = 0
    const response = await sdk(server).triggerBatch([
      { channel: 'a', name: 'first', data: { n: 1 } },
      { channel: 'b', name: 'second', data: 'two', socket_id: '1.2' },
    ])
    assert.deepEqual(await response.json(), {})
    assert.deepEqual(
      server.hub.published.map((p) => [p.channels, p.event, p.data, p.exceptSocketId]),
      [
        [['a'], 'first', '{"n":1}', undefined],
        [['b'], 'second', 'two', '1.2'],
      ],
    )
  })

  test('triggerBatch with info answers index-aligned attributes', async () => {
    server.hub.setChannel('app-id', 'news', { subscriptionCount: 5 })
    const response = await sdk(server).triggerBatch([
      { channel: 'news', name: 'x', data: '1', info: 'subscription_count' },
      { channel: 'other', name: 'y', data: '2' },
    ])
    assert.deepEqual(await response.json(), { batch: [{ subscription_count: 5 }, {}] })
  })

  test('GET /channels lists occupied channels, filtered by prefix, with user_count for presence', async () => {
    server.hub.state.clear()
    server.hub.setChannel('app-id', 'presence-a', { subscriptionCount: 2, users: ['u1', 'u2'] })
    server.hub.setChannel('app-id', 'presence-b', { subscriptionCount: 1, users: ['u3'] })
    server.hub.setChannel('app-id', 'public', { subscriptionCount: 4 })
    server.hub.setChannel('app-id', 'empty', { subscriptionCount: 0 })
    const all = await sdk(server).get({ path: '/channels' })
    assert.deepEqual(await all.json(), { channels: { 'presence-a': {}, 'presence-b': {}, public: {} } })
    const presence = await sdk(server).get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })
    assert.deepEqual(await presence.json(), { channels: { 'presence-a': { user_count: 2 }, 'presence-b': { user_count: 1 } } })
  })

  test('GET /channels answers an object even when nothing is occupied, and keeps a channel named __proto__', async () => {
    server.hub.state.clear()
    assert.deepEqual(await (await sdk(server).get({ path: '/channels' })).json(), { channels: {} })
    server.hub.setChannel('app-id', '__proto__', { subscriptionCount: 1 })
    const text = await (await sdk(server).get({ path: '/channels' })).text()
    assert.equal(text, '{"channels":{"__proto__":{}}}')
  })

  test('GET /channels/:channel answers occupied and the requested counts', async () => {
    server.hub.setChannel('app-id', 'presence-room', { subscriptionCount: 3, users: ['1', '2'] })
    const presence = await sdk(server).get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } })
    assert.deepEqual(await presence.json(), { occupied: true, user_count: 2, subscription_count: 3 })
    const unoccupied = await sdk(server).get({ path: '/channels/nobody-here' })
    assert.deepEqual(await unoccupied.json(), { occupied: false })
  })

  test('GET /channels/:channel/users lists distinct presence users', async () => {
    server.hub.setChannel('app-id', 'presence-room', { subscriptionCount: 3, users: ['1', '2', '2'] })
    const response = await sdk(server).get({ path: '/channels/presence-room/users' })
    assert.deepEqual(await response.json(), { users: [{ id: '1' }, { id: '2' }] })
  })

  test('terminateUserConnections asks the hub to close that user', async () => {
    server.hub.terminated.length = 0
    const response = await sdk(server).terminateUserConnections('42')
    assert.deepEqual(await response.json(), {})
    assert.deepEqual(server.hub.terminated, [{ appId: 'app-id', userId: '42' }])
  })

  test('the SDK sees 400 for user_count on a non-presence channel or without the presence- prefix filter', async () => {
    assert.equal((await statusOf(sdk(server).get({ path: '/channels/news', params: { info: 'user_count' } }))).status, 400)
    assert.equal((await statusOf(sdk(server).get({ path: '/channels', params: { info: 'user_count' } }))).status, 400)
    assert.equal((await statusOf(sdk(server).get({ path: '/channels/news/users' }))).status, 400)
    assert.equal((await statusOf(sdk(server).get({ path: '/channels', params: { info: 'bogus' } }))).status, 400)
  })

  test('the SDK sees 413 for data over the app limit, and nothing is published', async () => {
    server.hub.published.length = 0
    const small = sdk(server, smallApp)
    const result = await statusOf(small.trigger('news', 'big', 'x'.repeat(101)))
    assert.equal(result.status, 413)
    assert.match(errorOf(result.body), /101 bytes; the limit is 100 bytes/)
    // Exactly at the limit is accepted; the size is counted in UTF-8 bytes, not characters.
    assert.equal((await small.trigger('news', 'ok', 'x'.repeat(100))).status, 200)
    assert.equal((await statusOf(small.trigger('news', 'multibyte', '\u00e9'.repeat(51)))).status, 413)
    assert.equal(server.hub.published.length, 1)
  })

  test('the SDK sees 401 with the wrong secret, and 404 for an unknown app id', async () => {
    const wrong = await statusOf(sdk(server, { ...app, secret: 'not-the-secret' }).trigger('news', 'ev', {}))
    assert.equal(wrong.status, 401)
    assert.match(errorOf(wrong.body), /Invalid signature/)
    const unknown = await statusOf(sdk(server, { ...app, id: 'nope' }).trigger('news', 'ev', {}))
    assert.equal(unknown.status, 404)
    assert.match(errorOf(unknown.body), /Unknown app id "nope"/)
  })
})

describe('Pusher HTTP API refuses bad requests (hand-signed)', () => {
  let server: Server
  const base = (): Pick<SignedRequestOptions, 'baseUrl' | 'key' | 'secret'> => ({ baseUrl: server.baseUrl, key: app.key, secret: app.secret })
  const post = (path: string, body: unknown, extra: Partial<SignedRequestOptions> = {}) =>
    signedApiRequest({ ...base(), method: 'POST', path: `/apps/app-id${path}`, body: typeof body === 'string' ? body : JSON.stringify(body), ...extra })
  const event = (overrides: Record<string, unknown> = {}) => ({ name: 'ev', data: '{}', channels: ['news'], ...overrides })

  before(async () => {
    server = await startServer()
  })
  after(async () => {
    await server.fastify.close()
  })

  test('a correctly hand-signed request is accepted (the helper signs like the SDK)', async () => {
    const response = await post('/events', event())
    assert.deepEqual(response, { status: 200, body: {} })
  })

  test('a tampered signature is 401 and names the string to sign', async () => {
    const response = await post('/events', event(), { signature: 'a'.repeat(64) })
    assert.equal(response.status, 401)
    assert.match(errorOf(response.body), /Invalid signature.*"POST\\n\/apps\/app-id\/events\\nauth_key=app-key&auth_timestamp=\d+&auth_version=1\.0&body_md5=[0-9a-f]{32}"/)
  })

  test('a timestamp outside the 600 s window is 401 either way; inside it is accepted', async () => {
    const now = Math.floor(Date.now() / 1000)
    for (const timestamp of [now - 700, now + 700]) {
      const response = await post('/events', event(), { timestamp })
      assert.equal(response.status, 401)
      assert.match(errorOf(response.body), /Timestamp expired/)
    }
    assert.equal((await post('/events', event(), { timestamp: now - 500 })).status, 200)
  })

  test('a body whose md5 does not match is 401, even when the signature covers the wrong md5', async () => {
    const response = await post('/events', event(), { bodyMd5: 'd41d8cd98f00b204e9800998ecf8427e' })
    assert.equal(response.status, 401)
    assert.match(errorOf(response.body), /body_md5 does not match/)
  })

  test('a wrong auth_key is 401; an unknown app id is 404', async () => {
    assert.equal((await post('/events', event(), { key: 'other-key' })).status, 401)
    const unknown = await signedApiRequest({ ...base(), method: 'POST', path: '/apps/missing/events', body: JSON.stringify(event()) })
    assert.equal(unknown.status, 404)
  })

  test('missing auth params are 401', async () => {
    const response = await fetch(`${server.baseUrl}/apps/app-id/channels`, { signal: AbortSignal.timeout(5000) })
    assert.equal(response.status, 401)
    assert.match(await response.text(), /Missing query parameter auth_key/)
  })

  test('more than 100 channels is 400 naming the count; exactly 100 is accepted', async () => {
    const channels = Array.from({ length: 101 }, (_, i) => `ch-${i}`)
    const response = await post('/events', event({ channels }))
    assert.equal(response.status, 400)
    assert.match(errorOf(response.body), /channels: names 101 channels; at most 100/)
    assert.equal((await post('/events', event({ channels: channels.slice(0, 100) }))).status, 200)
  })

  test('a batch of more than 10 events is 400 and publishes nothing', async () => {
    server.hub.published.length = 0
    const batch = Array.from({ length: 11 }, (_, i) => ({ name: `e${i}`, data: '{}', channel: 'news' }))
    const response = await post('/batch_events', { batch })
    assert.equal(response.status, 400)
    assert.match(errorOf(response.body), /11 events; at most 10/)
    assert.equal(server.hub.published.length, 0)
  })

  test('one bad event in a batch fails the whole batch, naming its index', async () => {
    server.hub.published.length = 0
    const response = await post('/batch_events', { batch: [{ name: 'ok', data: '{}', channel: 'news' }, { name: 'bad', data: '{}', channel: 'bad channel!' }] })
    assert.equal(response.status, 400)
    assert.match(errorOf(response.body), /batch\[1\]\.channel/)
    assert.equal(server.hub.published.length, 0)
  })

  test('oversized data is 413 in a batch too', async () => {
    const response = await post('/batch_events', { batch: [{ name: 'big', data: 'x'.repeat(10_241), channel: 'news' }] })
    assert.equal(response.status, 413)
  })

  test('bad names, types and socket ids are 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [event({ name: 'pusher:subscribe' }), /name.*reserved/],
      [event({ name: 'x'.repeat(201) }), /name.*at most 200/],
      [event({ name: 42 }), /Invalid name/],
      [event({ data: { not: 'a string' } }), /Invalid data: is required and must be a string/],
      [event({ channels: ['ok', 'white space'] }), /channels\[1\].*"white space" is not a valid channel name/],
      [event({ channels: [] }), /channels: must name at least one channel/],
      [event({ channels: undefined }), /channels: is required/],
      [event({ socket_id: 'abc' }), /Invalid socket id "abc"/],
      [event({ socket_id: '1.2.3' }), /Invalid socket id "1.2.3"/],
      [event({ info: 'nope' }), /unknown attribute "nope"/],
      ['{not json', /body: is not valid JSON/],
      [[1, 2], /body: must be a JSON object/],
    ]
    for (const [body, message] of cases) {
      const response = await post('/events', body)
      assert.equal(response.status, 400, `status for ${JSON.stringify(body)}`)
      assert.match(errorOf(response.body), message)
    }
  })

  test('an invalid channel in the URL is 400', async () => {
    const response = await signedApiRequest({ ...base(), method: 'GET', path: '/apps/app-id/channels/bad%20name' })
    assert.equal(response.status, 400)
  })

  test('a hub failure is a 500 with a generic body, and the server keeps serving', async () => {
    server.hub.failWith = new Error('redis down: secret details')
    try {
      const response = await post('/events', event())
      assert.equal(response.status, 500)
      assert.doesNotMatch(JSON.stringify(response.body), /secret details/)
    } finally {
      server.hub.failWith = null
    }
    assert.equal((await post('/events', event())).status, 200)
  })

  test('the raw-body parser does not leak: a sibling route still gets parsed JSON', async () => {
    const fastify = Fastify({ logger: false })
    fastify.post('/echo', async (request) => ({ got: request.body }))
    await fastify.register(pusherApiRoutes, { apps: staticApps(app), hub: new RecordingHub() })
    const response = await fastify.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })
    assert.deepEqual(response.json(), { got: { a: 1 } })
    await fastify.close()
  })

  test('invalid options fail registration with a coded error naming them', async () => {
    const fastify = Fastify({ logger: false })
    const hub = new RecordingHub()
    await assert.rejects(
      async () => {
        await fastify.register(pusherApiRoutes, { apps: staticApps(app), hub, timestampWindowSeconds: -1 })
        await fastify.ready()
      },
      (err: { code?: string; message?: string }) => err.code === 'HERALD_ERR_INVALID_CONFIG' && /timestampWindowSeconds/.test(err.message ?? ''),
    )
    await fastify.close()
  })
})

describe('Pusher HTTP API mounted under a prefix', () => {
  let server: Server
  before(async () => {
    server = await startServer('/herald')
  })
  after(async () => {
    await server.fastify.close()
  })

  test('a request signed without the mount prefix is accepted (as Reverb strips its own)', async () => {
    const response = await signedApiRequest({
      baseUrl: server.baseUrl,
      mountPrefix: '/herald',
      key: app.key,
      secret: app.secret,
      method: 'POST',
      path: '/apps/app-id/events',
      body: JSON.stringify({ name: 'ev', data: '{}', channels: ['news'] }),
    })
    assert.deepEqual(response, { status: 200, body: {} })
    assert.equal(server.hub.published.length, 1)
  })

  test('a shorter timestamp window is honoured', async () => {
    const fastify = Fastify({ logger: false })
    await fastify.register(pusherApiRoutes, { apps: staticApps(app), hub: new RecordingHub(), timestampWindowSeconds: 5 })
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    try {
      const address = fastify.server.address()
      if (address === null || typeof address === 'string') throw new Error('no address')
      const response = await signedApiRequest({
        baseUrl: `http://127.0.0.1:${address.port}`,
        key: app.key,
        secret: app.secret,
        method: 'GET',
        path: '/apps/app-id/channels',
        timestamp: Math.floor(Date.now() / 1000) - 60,
      })
      assert.equal(response.status, 401)
    } finally {
      await fastify.close()
    }
  })
})
