import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AblyBroadcaster, type AblyBroadcasterOptions } from '../../../src/adapters/ably/ably-broadcaster.js'
import { formatAblySocketId } from '../../../src/adapters/ably/ably-socket-id.js'
import { NullBroadcaster } from '../../../src/adapters/null/null-broadcaster.js'
import { Broadcasting } from '../../../src/domain/broadcasting/broadcasting.js'
import { BroadcastFailedError, HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { startAblyRestRecorder, type AblyRestRecorder } from '../../helpers/ably-rest-recorder.js'
import { freePort } from '../../helpers/free-port.js'

const KEY = 'appid.keyid:ably-secret'

function assertBroadcastFailed(err: unknown, channels: readonly string[]): BroadcastFailedError {
  assert.ok(err instanceof BroadcastFailedError, `expected BroadcastFailedError, got ${String(err)}`)
  assert.equal(err.code, HeraldErrorCode.BroadcastFailed)
  assert.equal(err.driver, 'ably')
  assert.deepEqual(err.channels, channels)
  assert.ok(err.cause !== undefined, 'the cause is kept')
  return err
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  )
}

function isInvalidSocketId(err: unknown): boolean {
  return HeraldError.is(err, HeraldErrorCode.InvalidSocketId)
}

const OK = () => ({ status: 201, body: '{}' })
/** An Ably REST error body, as Ably's service answers it. */
function ablyError(status: number, code: number, message: string) {
  return () => ({ status, body: JSON.stringify({ error: { message, code, statusCode: status } }) })
}

describe('AblyBroadcaster against a recording Ably REST host', () => {
  let recorder: AblyRestRecorder
  const drivers: AblyBroadcaster[] = []
  function driver(extra: Partial<AblyBroadcasterOptions> = {}): AblyBroadcaster {
    const d = new AblyBroadcaster({ key: KEY, endpoint: '127.0.0.1', port: recorder.port, tls: false, timeoutMs: 3000, ...extra })
    drivers.push(d)
    return d
  }

  before(async () => {
    recorder = await startAblyRestRecorder()
    recorder.reply = OK
  })
  after(async () => {
    await Promise.all(drivers.map((d) => d.close()))
    await recorder.close()
  })

  test("publishes one message per channel to Laravel's Ably names, name = event, data = payload", async () => {
    recorder.requests.length = 0
    const payload = { order: { id: 1, total: 9.5 }, text: 'héllo ✓', none: null }
    await driver().broadcast({ channels: ['orders', 'private-user.1', 'presence-chat.2'], event: 'OrderShipped', payload })
    const published = recorder.published()
    assert.deepEqual(published.map((m) => m.channel).sort(), ['presence:chat.2', 'private:user.1', 'public:orders'])
    for (const m of published) {
      assert.equal(m.name, 'OrderShipped')
      assert.deepEqual(m.data, payload)
      assert.equal(m.connectionKey, undefined)
      assert.equal(m.clientId, undefined)
      assert.equal(m.request.method, 'POST')
      assert.equal(m.request.headers.authorization, `Basic ${Buffer.from(KEY).toString('base64')}`, 'key auth, as the REST client does')
      assert.equal(m.request.headers['content-type'], 'application/json')
    }
    assert.deepEqual(
      recorder.requests.map((r) => r.path).sort(),
      ['/channels/presence%3Achat.2/messages', '/channels/private%3Auser.1/messages', '/channels/public%3Aorders/messages'],
    )
  })

  test("toOthers: @ably/laravel-echo's socket id becomes the message's connectionKey and clientId, not data", async () => {
    recorder.requests.length = 0
    const socketId = formatAblySocketId({ connectionKey: 'conn!key-1', clientId: '42' })
    await driver().broadcast({ channels: ['private-chat'], event: 'Typing', payload: { user: 42 }, socketId })
    const [m] = recorder.published()
    assert.equal(m?.connectionKey, 'conn!key-1')
    assert.equal(m?.clientId, '42')
    assert.deepEqual(m?.data, { user: 42 })
  })

  test('toOthers with a guest socket id (clientId null) sends only the connectionKey', async () => {
    recorder.requests.length = 0
    await driver().broadcast({ channels: ['a'], event: 'E', payload: {}, socketId: formatAblySocketId({ connectionKey: 'k', clientId: null }) })
    const [m] = recorder.published()
    assert.equal(m?.connectionKey, 'k')
    assert.equal(m?.clientId, undefined)
  })

  test("toOthers through the Broadcasting manager: @ably/laravel-echo's id passes the ably connection's rule and reaches Ably", async () => {
    recorder.requests.length = 0
    const ably = driver()
    const broadcasting = new Broadcasting({ default: 'ably', connections: { ably, pusher: new NullBroadcaster() } })
    const socketId = formatAblySocketId({ connectionKey: 'hXy7!Tq_1-2', clientId: 'user-7' })
    assert.match(socketId, /^[A-Za-z0-9_-]+$/, 'a base64url id, which the Pusher rule refuses')
    assert.equal(broadcasting.isValidSocketId(socketId), true)
    assert.equal(broadcasting.isValidSocketId(socketId, 'pusher'), false)

    await broadcasting.private('chat.1').broadcast('Typing', { user: 7 }).toOthers(socketId).send()
    const [m] = recorder.published()
    assert.equal(m?.channel, 'private:chat.1')
    assert.equal(m?.connectionKey, 'hXy7!Tq_1-2')
    assert.equal(m?.clientId, 'user-7')

    // A malformed id is refused before any request: a coded error naming it, nothing published.
    const malformed = Buffer.from(JSON.stringify({ clientId: 'user-7' })).toString('base64url')
    for (const bad of [malformed, 'has space', '']) {
      await assert.rejects(broadcasting.private('chat.1').broadcast('Typing').toOthers(bad).send(), (err: unknown) => {
        assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidSocketId))
        assert.ok(err.message.includes(JSON.stringify(bad)), err.message)
        assert.match(err.message, /the "ably" connection's driver accepts/)
        return true
      })
    }
    // The same id through a Pusher-rule connection is refused too.
    await assert.rejects(broadcasting.channel('a').toOthers(socketId).via('pusher').send(), isInvalidSocketId)
    assert.equal(recorder.published().length, 1)
  })

  test('an Ably 401 error rejects with BroadcastFailedError naming driver, channels, Ably code and status', async () => {
    recorder.reply = ablyError(401, 40101, 'Invalid credentials')
    try {
      const err = await rejection(driver().broadcast({ channels: ['private-x'], event: 'E', payload: {} }))
      const failed = assertBroadcastFailed(err, ['private-x'])
      assert.match(failed.message, /driver 'ably'/)
      assert.match(failed.message, /40101/)
      assert.match(failed.message, /HTTP 401/)
      assert.match(failed.message, /private:x/)
      assert.match(failed.message, /Invalid credentials/)
    } finally {
      recorder.reply = OK
    }
  })

  test('a 500 rejects the same way', async () => {
    recorder.reply = ablyError(500, 50000, 'Internal error')
    try {
      const err = await rejection(driver().broadcast({ channels: ['a'], event: 'E', payload: {} }))
      assert.match(assertBroadcastFailed(err, ['a']).message, /50000.*HTTP 500.*Internal error/)
    } finally {
      recorder.reply = OK
    }
  })

  test('one failing channel among several rejects, saying the others were delivered', async () => {
    recorder.requests.length = 0
    recorder.reply = (r) => (r.path.includes('private%3Ab') ? ablyError(403, 40160, 'Action not permitted')() : OK())
    try {
      const err = await rejection(driver().broadcast({ channels: ['a', 'private-b', 'c'], event: 'E', payload: {} }))
      const failed = assertBroadcastFailed(err, ['a', 'private-b', 'c'])
      assert.match(failed.message, /1 of 3 channel publishes failed/)
      assert.match(failed.message, /40160/)
      assert.equal(recorder.published().length, 3)
    } finally {
      recorder.reply = OK
    }
  })

  test('a host that never answers rejects after timeoutMs', { timeout: 10_000 }, async () => {
    recorder.reply = () => 'hang'
    try {
      const err = await rejection(driver({ timeoutMs: 400 }).broadcast({ channels: ['slow'], event: 'E', payload: {} }))
      assert.match(assertBroadcastFailed(err, ['slow']).message, /timed? ?out|400 ms|Timeout/i)
    } finally {
      recorder.reply = OK
    }
  })

  test('a payload that is not JSON-serialisable rejects, sending nothing', async () => {
    recorder.requests.length = 0
    const err = await rejection(driver().broadcast({ channels: ['a'], event: 'E', payload: undefined }))
    assertBroadcastFailed(err, ['a'])
    assert.equal(recorder.requests.length, 0)
  })

  test('an empty channel list sends nothing and resolves', async () => {
    recorder.requests.length = 0
    await driver().broadcast({ channels: [], event: 'E', payload: {} })
    assert.equal(recorder.requests.length, 0)
  })

  test('broadcast after close() rejects; close() is idempotent', async () => {
    const d = driver()
    await d.close()
    await d.close()
    const err = await rejection(d.broadcast({ channels: ['a'], event: 'E', payload: {} }))
    assert.match(assertBroadcastFailed(err, ['a']).message, /closed/)
  })
})

describe('AblyBroadcaster when the service is down', () => {
  test('a closed port rejects with BroadcastFailedError within timeoutMs', { timeout: 10_000 }, async () => {
    const port = await freePort()
    const d = new AblyBroadcaster({ key: KEY, endpoint: '127.0.0.1', port, tls: false, timeoutMs: 2000 })
    try {
      const err = await rejection(d.broadcast({ channels: ['down'], event: 'E', payload: {} }))
      assert.match(assertBroadcastFailed(err, ['down']).message, /ECONNREFUSED|connect|reach/i)
    } finally {
      await d.close()
    }
  })
})
