// /broadcasting/auth for @ably/laravel-echo, through the real Herald plugin on a listening Fastify app whose
// default connection uses the ably driver (pointed at a local recording Ably REST host). Requests are shaped
// exactly as @ably/laravel-echo's AblyAuth.requestToken sends them: a JSON POST of
// `{ channel_name, token }` (no socket_id) with Accept/Content-Type JSON plus the app's auth headers;
// the connection token is asked for with `channel_name: null`. The JWTs are checked with the key secret.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { formatAblySocketId } from '../../../src/adapters/ably/ably-socket-id.js'
import { AblyAuthAnswer } from '../../../src/adapters/ably/ably-auth-answer.js'
import { InvalidConfigError } from '../../../src/domain/errors.js'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'
import herald from '../../../src/http/index.js'
import { broadcastingAuthRoutes } from '../../../src/http/routes/broadcasting-auth.js'
import { startAblyRestRecorder, type AblyRestRecorder } from '../../helpers/ably-rest-recorder.js'

const KEY_NAME = 'appid.keyid'
const KEY_SECRET = 'ably-key-secret'
const TOKEN_TTL_MS = 600_000
const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const

interface User {
  id: number
  name: string
  orders: string[]
}
const users = new Map<string, User>([
  ['token-ann', { id: 1, name: 'Ann', orders: ['42'] }],
  ['token-bob', { id: 2, name: 'Bob', orders: [] }],
])

interface Jwt {
  header: { typ: string; alg: string; kid: string }
  claims: { iat: number; exp: number; 'x-ably-clientId': string | null; 'x-ably-capability': string }
  capability: Record<string, string[]>
}

/** Decodes a JWT after checking its HS256 signature with the Ably key's secret (fails the test otherwise). */
function verifyJwt(token: unknown): Jwt {
  assert.equal(typeof token, 'string', 'the answer carries a token')
  const parts = (token as string).split('.')
  assert.equal(parts.length, 3, 'a JWT has three parts')
  const [header, payload, signature] = parts as [string, string, string]
  const expected = createHmac('sha256', KEY_SECRET).update(`${header}.${payload}`).digest('base64url')
  assert.equal(signature, expected, 'HS256 signature made with the Ably key secret')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Jwt['claims']
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Jwt['header'],
    claims,
    capability: JSON.parse(claims['x-ably-capability']) as Record<string, string[]>,
  }
}

describe('/broadcasting/auth answers @ably/laravel-echo when the default connection is ably', () => {
  let recorder: AblyRestRecorder
  let fastify: FastifyInstance
  let base: string

  /** POSTs like @ably/laravel-echo's `requestToken(channelName, existingToken)`, with a Bearer header as `auth.headers`. */
  async function requestToken(channelName: string | null, existingToken: string | undefined, bearer: string | null) {
    const postData = JSON.stringify({ channel_name: channelName, token: existingToken })
    const response = await fetch(`${base}/broadcasting/auth`, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'Content-Length': String(postData.length),
        ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }),
      },
      body: postData,
      signal: AbortSignal.timeout(5000),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  before(async () => {
    recorder = await startAblyRestRecorder()
    recorder.reply = () => ({ status: 201, body: '{}' })
    const channels = new ChannelAuthorizer<User>()
      .channel('orders.{orderId}', (user, { orderId }) => user.orders.includes(orderId))
      .channel('chat.{room}', (user) => ({ id: user.id, name: user.name }))
    fastify = Fastify({ logger: false })
    await fastify.register(herald, {
      env: {},
      config: {
        apps: [APP],
        default: 'ably',
        connections: {
          ably: { driver: 'ably', key: `${KEY_NAME}:${KEY_SECRET}`, endpoint: '127.0.0.1', port: recorder.port, tls: false, timeoutMs: 5000, tokenTtlMs: TOKEN_TTL_MS },
        },
      },
      authorizer: channels,
      authenticate: (request) => {
        const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
        return match === null ? null : (users.get(match[1] ?? '') ?? null)
      },
    })
    // An app route that broadcasts to others, as a Laravel controller would with broadcast(...)->toOthers().
    fastify.post('/orders/42/ship', async (request) => {
      await fastify.herald.broadcasting.private('orders.42').broadcast('OrderShipped', { id: 42 }).toOthers(request.socketId).send()
      return { socketId: request.socketId }
    })
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    const address = fastify.server.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    base = `http://127.0.0.1:${address.port}`
  })

  after(async () => {
    await fastify?.close()
    await recorder?.close()
  })

  test('connection token, then a private channel the rules allow: one JWT accumulating the capability', async () => {
    const connection = await requestToken(null, undefined, 'token-ann')
    assert.equal(connection.status, 200)
    const first = verifyJwt(connection.body['token'])
    assert.deepEqual(first.header, { typ: 'JWT', alg: 'HS256', kid: KEY_NAME })
    assert.equal(first.claims['x-ably-clientId'], '1')
    assert.equal(first.claims.exp - first.claims.iat, TOKEN_TTL_MS / 1000)
    assert.deepEqual(first.capability, { 'public:*': ['subscribe', 'history', 'channel-metadata'] })
    assert.equal(connection.body['info'], undefined)

    const channel = await requestToken('private:orders.42', connection.body['token'] as string, 'token-ann')
    assert.equal(channel.status, 200)
    const second = verifyJwt(channel.body['token'])
    assert.equal(second.claims['x-ably-clientId'], '1')
    assert.deepEqual(second.capability, { 'public:*': ['subscribe', 'history', 'channel-metadata'], 'private:orders.42': ['*'] })
    // The still-valid token's lifetime is kept, as ably/laravel-broadcaster does.
    assert.equal(second.claims.iat, first.claims.iat)
    assert.equal(second.claims.exp, first.claims.exp)
  })

  test('a private channel the rules refuse: 403 with the reason, no token', async () => {
    const res = await requestToken('private:orders.42', undefined, 'token-bob')
    assert.equal(res.status, 403)
    assert.equal(res.body['token'], undefined)
    assert.equal(res.body['code'], 'HERALD_ERR_FORBIDDEN')
    assert.equal(res.body['reason'], 'denied')
  })

  test('presence: a token with the member id as clientId and the member data as info', async () => {
    const connection = await requestToken(null, undefined, 'token-ann')
    const res = await requestToken('presence:chat.1', connection.body['token'] as string, 'token-ann')
    assert.equal(res.status, 200)
    const jwt = verifyJwt(res.body['token'])
    assert.equal(jwt.claims['x-ably-clientId'], '1')
    assert.deepEqual(jwt.capability['presence:chat.1'], ['*'])
    assert.deepEqual(res.body['info'], { id: 1, name: 'Ann' })
  })

  test('unauthenticated: 401 for private and presence channels; a guest connection token covers public channels only', async () => {
    for (const channel of ['private:orders.42', 'presence:chat.1']) {
      const res = await requestToken(channel, undefined, null)
      assert.equal(res.status, 401, channel)
      assert.equal(res.body['code'], 'HERALD_ERR_UNAUTHENTICATED')
      assert.equal(res.body['token'], undefined)
    }
    const unknownBearer = await requestToken('private:orders.42', undefined, 'token-nobody')
    assert.equal(unknownBearer.status, 401)

    // ably-js asks for a token before any channel; guests get one for public:* (ably/laravel-broadcaster does too).
    const guest = await requestToken(null, undefined, null)
    assert.equal(guest.status, 200)
    const jwt = verifyJwt(guest.body['token'])
    assert.equal(jwt.claims['x-ably-clientId'], null)
    assert.deepEqual(jwt.capability, { 'public:*': ['subscribe', 'history', 'channel-metadata'] })
  })

  test('a forged or foreign previous token is not trusted: its capabilities are dropped', async () => {
    const connection = await requestToken('private:orders.42', undefined, 'token-ann')
    const [h, p] = (connection.body['token'] as string).split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    claims['x-ably-capability'] = JSON.stringify({ '*': ['*'] })
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${createHmac('sha256', 'other-secret').update('x').digest('base64url')}`
    const res = await requestToken('presence:chat.1', forged, 'token-ann')
    assert.equal(res.status, 200)
    assert.deepEqual(Object.keys(verifyJwt(res.body['token']).capability).sort(), ['presence:chat.1', 'public:*'])
  })

  test('malformed fields: 400 naming the field and value', async () => {
    const bare = await requestToken('orders.42', undefined, 'token-ann')
    assert.equal(bare.status, 400)
    assert.match(String(bare.body['error']), /channel_name.*"orders\.42".*not an Ably channel name/)
    const bad = await requestToken('private:bad name!', undefined, 'token-ann')
    assert.equal(bad.status, 400)
    assert.match(String(bad.body['error']), /"private:bad name!"/)
    const res = await fetch(`${base}/broadcasting/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer token-ann' },
      body: JSON.stringify({ channel_name: 'private:orders.42', token: 42 }),
      signal: AbortSignal.timeout(5000),
    })
    assert.equal(res.status, 400)
    assert.match(((await res.json()) as { error: string }).error, /token.*42/)
  })

  test('a pusher-js request (with socket_id) keeps the Pusher answer', async () => {
    const res = await fetch(`${base}/broadcasting/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer token-ann' },
      body: 'socket_id=1234.5678&channel_name=private-orders.42',
      signal: AbortSignal.timeout(5000),
    })
    assert.equal(res.status, 200)
    const body = (await res.json()) as { auth?: string; token?: string }
    const expected = createHmac('sha256', APP.secret).update('1234.5678:private-orders.42').digest('hex')
    assert.equal(body.auth, `${APP.key}:${expected}`)
    assert.equal(body.token, undefined)
  })

  test("toOthers(request.socketId) with @ably/laravel-echo's X-Socket-ID reaches Ably as connectionKey/clientId", async () => {
    recorder.requests.length = 0
    const socketId = formatAblySocketId({ connectionKey: 'hXy7!Tq_1-2', clientId: '1' })
    const res = await fetch(`${base}/orders/42/ship`, { method: 'POST', headers: { 'X-Socket-ID': socketId }, signal: AbortSignal.timeout(5000) })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { socketId })
    const [published] = recorder.published()
    assert.equal(published?.channel, 'private:orders.42')
    assert.equal(published?.name, 'OrderShipped')
    assert.deepEqual(published?.data, { id: 42 })
    assert.equal(published?.connectionKey, 'hXy7!Tq_1-2')
    assert.equal(published?.clientId, '1')

    // A malformed header is no socket id: request.socketId is null and nobody is excluded.
    recorder.requests.length = 0
    const bad = await fetch(`${base}/orders/42/ship`, { method: 'POST', headers: { 'X-Socket-ID': 'not valid' }, signal: AbortSignal.timeout(5000) })
    assert.deepEqual(await bad.json(), { socketId: null })
    assert.equal(recorder.published()[0]?.connectionKey, undefined)
  })
})

describe('/broadcasting/auth without an ably default connection', () => {
  test('a body without socket_id is a 400 naming socket_id (no Ably tokens are issued)', async (t) => {
    const fastify = Fastify({ logger: false })
    t.after(() => fastify.close())
    await fastify.register(herald, {
      env: {},
      config: { apps: [APP] },
      authorizer: new ChannelAuthorizer<User>().channel('orders.{orderId}', () => true),
      authenticate: () => users.get('token-ann'),
    })
    const res = await fastify.inject({ method: 'POST', url: '/broadcasting/auth', payload: { channel_name: 'private:orders.42', token: null } })
    assert.equal(res.statusCode, 400)
    assert.match(res.json<{ error: string }>().error, /socket_id/)
  })
})

test('the Ably auth answer refuses a malformed key, naming key (never the value)', () => {
  assert.throws(() => new AblyAuthAnswer({ key: 'no-secret-here', tokenTtlMs: 60_000, publicChannels: true }), (err: unknown) => {
    assert.ok(err instanceof InvalidConfigError)
    assert.match(err.message, /key: must be an Ably API key/)
    assert.doesNotMatch(err.message, /no-secret-here/)
    return true
  })
})

test('broadcastingAuthRoutes refuses a driverAuth that is not a DriverAuthPort, at registration', async (t) => {
  const fastify = Fastify({ logger: false })
  t.after(() => fastify.close())
  const options = { authorizer: new ChannelAuthorizer<User>({ key: 'k', secret: 's' }), authenticate: () => null, driverAuth: { key: 'x' } as never }
  await assert.rejects(async () => fastify.register(broadcastingAuthRoutes, options).ready(), /driverAuth: must be a DriverAuthPort/)
})
