import assert from 'node:assert/strict'
import { test } from 'node:test'
import websocket from '@fastify/websocket'
import Fastify from 'fastify'
import { HeraldError, HeraldErrorCode } from '../../src/domain/errors.js'
import herald from '../../src/http/index.js'
import { RawClient } from '../e2e/support/raw-client.js'
import { Pusher } from '../e2e/support/pusher-js.js'
import { APP } from '../e2e/support/start-herald.js'
import { waitFor } from '../helpers/wait-for.js'

test('invalid options reject register with InvalidConfigError naming every bad option, before anything is decorated', async () => {
  const app = Fastify({ logger: false })
  const bad = { authenticate: 'yes', authPrefix: 'no-slash', maxBufferedBytes: -1, bogus: true, broadcaster: {} }
  await assert.rejects(async () => app.register(herald, bad as never).ready(), (err: unknown) => {
    assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
    const paths = (err as unknown as { issues: { path: string }[] }).issues.map((i) => i.path).sort()
    assert.deepEqual(paths, ['authPrefix', 'authenticate', 'bogus', 'broadcaster', 'maxBufferedBytes'])
    return true
  })
  assert.equal(app.hasDecorator('herald'), false)
  await app.close()
})

test('bad apps in config are InvalidConfigError too', async () => {
  const app = Fastify({ logger: false })
  const config = { apps: [{ id: 'a', key: 'k', secret: '' }] }
  await assert.rejects(async () => app.register(herald, { config, env: {} }).ready(), (err: unknown) => {
    assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
    assert.match((err as Error).message, /apps\.0\.secret/)
    return true
  })
  await app.close()
  const dup = Fastify({ logger: false })
  const duplicates = { apps: [{ id: 'a', key: 'k', secret: 's' }, { id: 'a', key: 'k', secret: 's' }] }
  await assert.rejects(async () => dup.register(herald, { config: duplicates, env: {} }).ready(), (err: unknown) => {
    assert.match((err as Error).message, /apps\.1\.id: duplicate.*\n.*apps\.1\.key: duplicate/s)
    return true
  })
  await dup.close()
})

test('GET /up, fastify.herald and request.socketId from X-Socket-ID (null when absent or malformed)', async (t) => {
  const app = Fastify({ logger: false })
  t.after(() => app.close())
  await app.register(herald, { env: {}, config: { apps: [APP] } })
  app.get('/whoami', async (request) => ({ socketId: request.socketId }))
  await app.ready()
  assert.deepEqual((await app.inject('/up')).json(), { status: 'ok' })
  for (const key of ['broadcasting', 'channels', 'events', 'hub', 'apps'] as const) assert.ok(app.herald[key], `herald.${key}`)
  assert.equal(app.herald.apps.byKey('app-key')?.id, 'app-id')
  assert.deepEqual((await app.inject({ url: '/whoami', headers: { 'x-socket-id': '123.456' } })).json(), { socketId: '123.456' })
  assert.deepEqual((await app.inject({ url: '/whoami', headers: { 'x-socket-id': 'nope' } })).json(), { socketId: null })
  assert.deepEqual((await app.inject('/whoami')).json(), { socketId: null })
})

test('the host app keeps its own body parsing: the auth routes\' form parser does not leak', async (t) => {
  const app = Fastify({ logger: false })
  t.after(() => app.close())
  await app.register(herald, { env: {}, config: { apps: [APP] } })
  app.post('/echo', async (request) => ({ body: request.body }))
  const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' })
  assert.equal(res.statusCode, 415)
})

test('mounted under a prefix: ws at {prefix}/app/:key (Echo wsPath), HTTP API and auth under it too', async (t) => {
  const app = Fastify({ logger: false })
  t.after(() => app.close())
  await app.register(herald, { env: {}, config: { apps: [APP] }, prefix: '/realtime' } as never)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  assert.equal((await app.inject('/realtime/up')).statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: '/realtime/broadcasting/auth', payload: {} })).statusCode, 401)
  assert.equal((await app.inject('/realtime/apps/app-id/channels')).statusCode, 401, 'unsigned API request is refused, but routed')
  const raw = await RawClient.connect(port, '/realtime/app/app-key?protocol=7')
  assert.equal(raw.frames[0]?.event, 'pusher:connection_established')
  raw.close()
  const pusher = new Pusher('app-key', { cluster: 'mt1', wsHost: '127.0.0.1', wsPort: port, wsPath: '/realtime', forceTLS: false, enabledTransports: ['ws'] })
  t.after(() => pusher.disconnect())
  await waitFor(() => pusher.connection.state === 'connected', { what: 'pusher-js via wsPath' })
})

test('a host that already registered @fastify/websocket keeps it; herald adds its route', async (t) => {
  const app = Fastify({ logger: false })
  t.after(() => app.close())
  await app.register(websocket)
  await app.register(herald, { env: {}, config: { apps: [APP] } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const raw = await RawClient.connect((app.server.address() as { port: number }).port)
  assert.equal(raw.frames[0]?.event, 'pusher:connection_established')
  raw.close()
})

test('two plugin instances in one process share nothing', async (t) => {
  const one = Fastify({ logger: false })
  const two = Fastify({ logger: false })
  t.after(async () => {
    await one.close()
    await two.close()
  })
  await one.register(herald, { env: {}, config: { apps: [APP] } })
  await two.register(herald, { env: { BROADCAST_APP_ID: 'other', BROADCAST_APP_KEY: 'other-key', BROADCAST_APP_SECRET: 's' } })
  await Promise.all([one.ready(), two.ready()])
  assert.notEqual(one.herald.hub, two.herald.hub)
  assert.equal(two.herald.apps.byKey('app-key'), undefined)
})
