import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import Pusher from 'pusher'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'
import type { LoggerPort } from '../../../src/domain/ports/logger-port.js'
import { broadcastingAuthRoutes, type BroadcastingAuthorizer } from '../../../src/http/routes/broadcasting-auth.js'

interface User {
  id: number
  name: string
}
const users = new Map<string, User>([
  ['token-ann', { id: 1, name: 'Ann' }],
  ['token-bob', { id: 2, name: 'Bob' }],
])
const credentials = { key: 'app-key', secret: 'app-secret', encryptionMasterKey: Buffer.alloc(32, 7).toString('base64') }
// The official SDK signs independently of Herald: the expected answers come from it.
const sdk = new Pusher({ appId: 'app-id', key: credentials.key, secret: credentials.secret, host: '127.0.0.1', encryptionMasterKeyBase64: credentials.encryptionMasterKey })

class RecordingLogger implements LoggerPort {
  readonly lines: Array<{ level: string; obj: object; msg: string | undefined }> = []
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj, msg })
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg })
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg })
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg })
  }
}

function bearerUser(authorization: string | undefined): User | null {
  if (authorization === 'Bearer explode') throw new Error('session store unavailable')
  return users.get(authorization?.replace(/^Bearer /, '') ?? '') ?? null
}

async function listen(fastify: FastifyInstance): Promise<string> {
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  const address = fastify.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return `http://127.0.0.1:${address.port}`
}

async function post(url: string, body: Record<string, string> | string, options: { token?: string; json?: boolean; contentType?: string } = {}) {
  const headers: Record<string, string> = {}
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let payload: string
  if (typeof body === 'string') {
    payload = body
    headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded'
  } else if (options.json === true) {
    payload = JSON.stringify(body)
    headers['content-type'] = 'application/json'
  } else {
    payload = new URLSearchParams(body).toString()
    headers['content-type'] = 'application/x-www-form-urlencoded'
  }
  const response = await fetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(5000) })
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> }
}

describe('/broadcasting/auth and /broadcasting/user-auth', () => {
  const logger = new RecordingLogger()
  const authorizer = new ChannelAuthorizer<User>({ ...credentials, ruleTimeoutMs: 100 })
    .channel('stuck.{x}', () => new Promise<boolean>(() => {}))
    .channel('orders.{orderId}', (user, { orderId }) => user.id === 1 && orderId === '42')
    .channel('chat.{room}', (user) => ({ id: user.id, name: user.name }))
    .channel('secret.{x}', () => true)
    .channel('broken.{x}', () => {
      throw new Error('rule bug')
    })
  let fastify: FastifyInstance
  let base: string

  before(async () => {
    fastify = Fastify({ logger: false })
    await fastify.register(broadcastingAuthRoutes, { prefix: '/broadcasting', authorizer, authenticate: (request) => bearerUser(request.headers.authorization), logger })
    base = await listen(fastify)
  })
  after(async () => {
    await fastify.close()
  })

  test('a private channel, form-encoded as pusher-js posts it, answers the auth the SDK would sign', async () => {
    const response = await post(`${base}/broadcasting/auth`, { socket_id: '123.456', channel_name: 'private-orders.42' }, { token: 'token-ann' })
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, sdk.authorizeChannel('123.456', 'private-orders.42'))
  })

  test('a presence channel, as JSON, answers auth and channel_data signed together', async () => {
    const response = await post(`${base}/broadcasting/auth`, { socket_id: '1.2', channel_name: 'presence-chat.lobby' }, { token: 'token-bob', json: true })
    assert.equal(response.status, 200)
    assert.deepEqual(JSON.parse(String(response.body.channel_data)), { user_id: '2', user_info: { id: 2, name: 'Bob' } })
    assert.deepEqual(response.body, sdk.authorizeChannel('1.2', 'presence-chat.lobby', JSON.parse(String(response.body.channel_data))))
  })

  test('an encrypted channel answers the shared_secret the SDK derives', async () => {
    const response = await post(`${base}/broadcasting/auth`, { socket_id: '1.2', channel_name: 'private-encrypted-secret.1' }, { token: 'token-ann' })
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, sdk.authorizeChannel('1.2', 'private-encrypted-secret.1'))
  })

  test('user-auth answers auth and user_data for pusher:signin', async () => {
    const response = await post(`${base}/broadcasting/user-auth`, { socket_id: '9.9' }, { token: 'token-ann' })
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, sdk.authenticateUser('9.9', { id: '1' }))
  })

  test('no or an unknown token is 401 on both routes', async () => {
    for (const path of ['/broadcasting/auth', '/broadcasting/user-auth']) {
      const anonymous = await post(`${base}${path}`, { socket_id: '1.2', channel_name: 'private-orders.42' })
      assert.equal(anonymous.status, 401)
      assert.equal(anonymous.body.error, 'Unauthenticated')
      assert.equal((await post(`${base}${path}`, { socket_id: '1.2', channel_name: 'private-orders.42' }, { token: 'nope' })).status, 401)
    }
  })

  test('denials are 403 with the reason naming what was wrong', async () => {
    const cases: Array<[string, string, string]> = [
      ['token-bob', 'private-orders.42', 'denied'],
      ['token-ann', 'private-unknown.1', 'no-matching-rule'],
      ['token-ann', 'public-news', 'invalid-channel'],
      ['token-ann', 'private-broken.1', 'callback-threw'],
      ['token-ann', 'private-stuck.1', 'callback-timeout'],
    ]
    for (const [token, channel, reason] of cases) {
      const response = await post(`${base}/broadcasting/auth`, { socket_id: '1.2', channel_name: channel }, { token })
      assert.equal(response.status, 403, channel)
      assert.equal(response.body.reason, reason)
      assert.match(String(response.body.error), new RegExp(channel.replace('.', '\\.')))
    }
    const thrown = logger.lines.find((line) => line.level === 'warn' && (line.obj as { reason?: string }).reason === 'callback-threw')
    assert.ok(thrown, 'a rule that threw is logged at warn')
    assert.equal(((thrown.obj as { err?: Error }).err as Error).message, 'rule bug')
    assert.ok(logger.lines.some((line) => line.level === 'warn' && (line.obj as { reason?: string }).reason === 'callback-timeout'), 'a rule that hung is logged at warn')
  })

  test('missing or malformed fields are 400 naming the field', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ channel_name: 'private-orders.42' }, /^Invalid socket_id: is required/],
      [{ socket_id: '1.2' }, /^Invalid channel_name: is required/],
      [{ socket_id: 'abc', channel_name: 'private-orders.42' }, /^Invalid socket_id: "abc" is not a socket id/],
      [{ socket_id: '1.2', channel_name: 'private-bad name' }, /^Invalid channel_name: "private-bad name" is not a valid channel name/],
    ]
    for (const [body, message] of cases) {
      const response = await post(`${base}/broadcasting/auth`, body, { token: 'token-ann' })
      assert.equal(response.status, 400, JSON.stringify(body))
      assert.match(String(response.body.error), message)
    }
    const userAuth = await post(`${base}/broadcasting/user-auth`, { socket_id: '1.2.3' }, { token: 'token-ann' })
    assert.equal(userAuth.status, 400)
    assert.match(String(userAuth.body.error), /socket_id/)
    const numeric = await post(`${base}/broadcasting/auth`, '{"socket_id":12,"channel_name":"private-orders.42"}', { token: 'token-ann', contentType: 'application/json' })
    assert.equal(numeric.status, 400)
  })

  test('malformed JSON is 400 and an unsupported content type is 415, both as JSON bodies', async () => {
    const broken = await post(`${base}/broadcasting/auth`, '{"socket_id":', { token: 'token-ann', contentType: 'application/json' })
    assert.equal(broken.status, 400)
    const xml = await post(`${base}/broadcasting/auth`, '<socket_id/>', { token: 'token-ann', contentType: 'application/xml' })
    assert.equal(xml.status, 415)
    // Fastify parses text/plain into a string, which has no fields.
    const text = await post(`${base}/broadcasting/auth`, 'socket_id=1.2', { token: 'token-ann', contentType: 'text/plain' })
    assert.equal(text.status, 400)
    assert.match(String(text.body.error), /socket_id/)
  })

  test('an authenticate hook that throws is a logged 500, and the next request is served', async () => {
    const before = logger.lines.length
    const response = await post(`${base}/broadcasting/auth`, { socket_id: '1.2', channel_name: 'private-orders.42' }, { token: 'explode' })
    assert.equal(response.status, 500)
    assert.doesNotMatch(String(response.body.error), /session store/)
    const logged = logger.lines.slice(before).find((line) => line.level === 'error')
    assert.equal(((logged!.obj as { err?: Error }).err as Error).message, 'session store unavailable')
    assert.equal((await post(`${base}/broadcasting/auth`, { socket_id: '1.2', channel_name: 'private-orders.42' }, { token: 'token-ann' })).status, 200)
  })

  test('a form field named __proto__ is an ordinary field', async () => {
    const response = await post(`${base}/broadcasting/auth`, '__proto__=x&socket_id=1.2&channel_name=private-orders.42', { token: 'token-ann' })
    assert.equal(response.status, 200)
  })
})

describe('broadcastingAuthRoutes wiring', () => {
  test('an authorizer look-alike that rejects is a 500, not a crash', async () => {
    const failing: BroadcastingAuthorizer = {
      authorize: async () => Promise.reject(new Error('db down')),
      authenticateUser: async () => Promise.reject(new Error('db down')),
    }
    const fastify = Fastify({ logger: false })
    await fastify.register(broadcastingAuthRoutes, { authorizer: failing, authenticate: () => ({ id: 1 }), logger: new RecordingLogger() })
    const base = await listen(fastify)
    try {
      assert.equal((await post(`${base}/auth`, { socket_id: '1.2', channel_name: 'private-a' })).status, 500)
      assert.equal((await post(`${base}/user-auth`, { socket_id: '1.2' })).status, 500)
    } finally {
      await fastify.close()
    }
  })

  test('the form parser stays inside the plugin: a sibling route does not accept form bodies', async () => {
    const fastify = Fastify({ logger: false })
    fastify.post('/other', async (request) => ({ got: request.body }))
    await fastify.register(broadcastingAuthRoutes, { prefix: '/broadcasting', authorizer: new ChannelAuthorizer(credentials), authenticate: () => null })
    const response = await fastify.inject({ method: 'POST', url: '/other', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' })
    assert.equal(response.statusCode, 415)
    await fastify.close()
  })

  test('options that are not functions fail registration with a coded error naming them', async () => {
    const fastify = Fastify({ logger: false })
    await assert.rejects(
      async () => {
        await fastify.register(broadcastingAuthRoutes, { authorizer: {} as BroadcastingAuthorizer, authenticate: 'nope' as never })
        await fastify.ready()
      },
      (err: { code?: string; message?: string }) =>
        err.code === 'HERALD_ERR_INVALID_CONFIG' && /authenticate/.test(err.message ?? '') && /authorizer\.authorize/.test(err.message ?? ''),
    )
    await fastify.close()
  })
})
