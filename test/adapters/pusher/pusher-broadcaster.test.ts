import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { PusherBroadcaster, PUSHER_MAX_CHANNELS_PER_TRIGGER } from '../../../src/adapters/pusher/pusher-broadcaster.js'
import type { PusherOptions } from '../../../src/adapters/pusher/pusher-options.js'
import { BroadcastFailedError, HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { hmacSha256Hex, md5Hex } from '../../../src/domain/auth/pusher-signature.js'
import { startPusherHttpRecorder, type HttpRecorder, type RecordedRequest } from '../../helpers/pusher-http-recorder.js'
import { freePort } from '../../helpers/free-port.js'

const APP = { appId: '4242', key: 'app-key', secret: 'app-secret' }

function optionsFor(recorder: { port: number }, extra: Partial<PusherOptions> = {}): PusherOptions {
  return { ...APP, host: '127.0.0.1', port: recorder.port, scheme: 'http', timeoutMs: 2000, maxPayloadSize: 10240, ...extra }
}

interface EventsBody {
  name: string
  channels: string[]
  data: string
  socket_id?: string
}

function eventsBody(request: RecordedRequest | undefined): EventsBody {
  assert.ok(request, 'a request was recorded')
  return request.json as EventsBody
}

/** Asserts `err` is the driver's coded failure naming the driver and channels; returns it. */
function assertBroadcastFailed(err: unknown, channels: readonly string[]): BroadcastFailedError {
  assert.ok(err instanceof BroadcastFailedError, `expected BroadcastFailedError, got ${String(err)}`)
  assert.equal(err.code, HeraldErrorCode.BroadcastFailed)
  assert.equal(err.driver, 'pusher')
  assert.deepEqual(err.channels, channels)
  assert.ok(err.cause !== undefined, 'the cause is kept')
  return err
}

describe('PusherBroadcaster against a recording Pusher HTTP API', () => {
  let recorder: HttpRecorder
  const drivers: PusherBroadcaster[] = []
  function driver(extra: Partial<PusherOptions> = {}): PusherBroadcaster {
    const d = new PusherBroadcaster(optionsFor(recorder, extra))
    drivers.push(d)
    return d
  }

  before(async () => {
    recorder = await startPusherHttpRecorder()
  })
  after(async () => {
    await Promise.all(drivers.map((d) => d.close()))
    await recorder.close()
  })

  test('sends one signed POST /apps/{id}/events that the Pusher signature scheme verifies', async () => {
    recorder.requests.length = 0
    await driver().broadcast({ channels: ['orders'], event: 'OrderShipped', payload: { id: 1 } })
    assert.equal(recorder.requests.length, 1)
    const [req] = recorder.requests
    assert.ok(req)
    assert.equal(req.method, 'POST')
    assert.equal(req.path, `/apps/${APP.appId}/events`)
    assert.equal(req.query['auth_key'], APP.key)
    assert.equal(req.query['auth_version'], '1.0')
    assert.match(req.query['auth_timestamp'] ?? '', /^\d+$/)
    assert.equal(req.query['body_md5'], md5Hex(req.body))
    const { auth_signature: signature, ...signed } = req.query
    const queryString = Object.keys(signed)
      .sort()
      .map((k) => `${k}=${signed[k]}`)
      .join('&')
    assert.equal(signature, hmacSha256Hex(APP.secret, `POST\n${req.path}\n${queryString}`))
    assert.equal(req.headers['content-type'], 'application/json')
  })

  test('body carries name, channels, data as a JSON string, and no socket_id without toOthers', async () => {
    recorder.requests.length = 0
    const payload = { order: { id: 7, total: 9.5 }, text: 'héllo ✓', none: null }
    await driver().broadcast({ channels: ['orders', 'private-user.1', 'presence-chat.2'], event: 'OrderShipped', payload })
    const body = eventsBody(recorder.requests[0])
    assert.equal(body.name, 'OrderShipped')
    assert.deepEqual(body.channels, ['orders', 'private-user.1', 'presence-chat.2'])
    assert.equal(typeof body.data, 'string')
    assert.deepEqual(JSON.parse(body.data), payload)
    assert.equal('socket_id' in body, false)
  })

  test('toOthers passes the socket id as socket_id, outside data', async () => {
    recorder.requests.length = 0
    await driver().broadcast({ channels: ['chat'], event: 'Typing', payload: { user: 3 }, socketId: '123.456' })
    const body = eventsBody(recorder.requests[0])
    assert.equal(body.socket_id, '123.456')
    assert.deepEqual(JSON.parse(body.data), { user: 3 })
  })

  test(`splits a broadcast to 250 channels into triggers of at most ${PUSHER_MAX_CHANNELS_PER_TRIGGER} channels`, async () => {
    recorder.requests.length = 0
    const channels = Array.from({ length: 250 }, (_, i) => `room.${i}`)
    await driver().broadcast({ channels, event: 'Wide', payload: { n: 1 }, socketId: '1.2' })
    const bodies = recorder.requests.map((r) => eventsBody(r))
    assert.deepEqual(
      bodies.map((b) => b.channels.length).sort((a, b) => b - a),
      [100, 100, 50],
    )
    assert.deepEqual(bodies.flatMap((b) => b.channels).sort(), [...channels].sort(), 'every channel exactly once')
    for (const b of bodies) {
      assert.equal(b.name, 'Wide')
      assert.equal(b.socket_id, '1.2')
      assert.deepEqual(JSON.parse(b.data), { n: 1 })
    }
  })

  test('exactly 100 channels go in one trigger', async () => {
    recorder.requests.length = 0
    const channels = Array.from({ length: 100 }, (_, i) => `c.${i}`)
    await driver().broadcast({ channels, event: 'E', payload: {} })
    assert.equal(recorder.requests.length, 1)
    assert.deepEqual(eventsBody(recorder.requests[0]).channels, channels)
  })

  test('refuses a payload over maxPayloadSize with HERALD_ERR_PAYLOAD_TOO_LARGE before sending anything', async () => {
    recorder.requests.length = 0
    const big = { text: 'x'.repeat(11000) }
    const err = await driver().broadcast({ channels: ['a', 'b'], event: 'Big', payload: big }).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    )
    assert.ok(HeraldError.is(err, HeraldErrorCode.PayloadTooLarge), `got ${String(err)}`)
    assert.match((err as Error).message, /Big/)
    assert.match((err as Error).message, /'pusher'/)
    assert.match((err as Error).message, /11011 bytes/)
    assert.match((err as Error).message, /10240/)
    assert.equal(recorder.requests.length, 0, 'nothing was sent')
  })

  test('a payload of exactly maxPayloadSize bytes is sent', async () => {
    recorder.requests.length = 0
    const payload = 'é'.repeat(49) // JSON "é…é" = 2 quotes + 98 bytes
    await driver({ maxPayloadSize: 100 }).broadcast({ channels: ['a'], event: 'Edge', payload })
    assert.equal(recorder.requests.length, 1)
    assert.equal(Buffer.byteLength(eventsBody(recorder.requests[0]).data), 100)
  })

  test('a 500 answer rejects with BroadcastFailedError naming driver, channels, status and body', async () => {
    recorder.reply = () => ({ status: 500, body: 'upstream exploded' })
    try {
      const channels = ['orders', 'private-x']
      const err = await driver().broadcast({ channels, event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      const failed = assertBroadcastFailed(err, channels)
      assert.match(failed.message, /driver 'pusher'/)
      assert.match(failed.message, /orders, private-x/)
      assert.match(failed.message, /HTTP 500/)
      assert.match(failed.message, /upstream exploded/)
      assert.doesNotMatch(failed.message, /auth_signature/, 'the signed query is not repeated in messages')
    } finally {
      recorder.reply = () => ({ status: 200, body: '{}' })
    }
  })

  test('a 4xx answer rejects the same way', async () => {
    recorder.reply = () => ({ status: 401, body: '{"error":"Invalid signature"}' })
    try {
      const err = await driver().broadcast({ channels: ['a'], event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      assert.match(assertBroadcastFailed(err, ['a']).message, /HTTP 401.*Invalid signature/)
    } finally {
      recorder.reply = () => ({ status: 200, body: '{}' })
    }
  })

  test('one failing trigger among several rejects, saying the others were delivered', async () => {
    recorder.requests.length = 0
    recorder.reply = (r) => ((r.json as EventsBody).channels.includes('room.150') ? { status: 503, body: 'busy' } : { status: 200, body: '{}' })
    try {
      const channels = Array.from({ length: 250 }, (_, i) => `room.${i}`)
      const err = await driver().broadcast({ channels, event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      const failed = assertBroadcastFailed(err, channels)
      assert.match(failed.message, /1 of 3 triggers failed/)
      assert.match(failed.message, /HTTP 503/)
      assert.equal(recorder.requests.length, 3)
    } finally {
      recorder.reply = () => ({ status: 200, body: '{}' })
    }
  })

  test('a server that never answers rejects after timeoutMs', { timeout: 10_000 }, async () => {
    recorder.reply = () => 'hang'
    try {
      const err = await driver({ timeoutMs: 300 }).broadcast({ channels: ['slow'], event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      assert.match(assertBroadcastFailed(err, ['slow']).message, /300 ms|timed out/)
    } finally {
      recorder.reply = () => ({ status: 200, body: '{}' })
    }
  })

  test('an invalid socket id or channel name the SDK refuses becomes a rejection, never a synchronous throw', async () => {
    const d = driver()
    let promise: Promise<void> | undefined
    assert.doesNotThrow(() => {
      promise = d.broadcast({ channels: ['ok'], event: 'E', payload: {}, socketId: 'not-a-socket' })
    })
    assertBroadcastFailed(await promise?.then(() => assert.fail('should reject'), (e: unknown) => e), ['ok'])
    const bad = await d.broadcast({ channels: ['bad channel!'], event: 'E', payload: {} }).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    )
    assertBroadcastFailed(bad, ['bad channel!'])
  })

  test('a payload that is not JSON-serialisable rejects with BroadcastFailedError', async () => {
    const circular: Record<string, unknown> = {}
    circular['self'] = circular
    const err = await driver().broadcast({ channels: ['a'], event: 'E', payload: circular }).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    )
    assertBroadcastFailed(err, ['a'])
  })

  test('an empty channel list sends nothing and resolves', async () => {
    recorder.requests.length = 0
    await driver().broadcast({ channels: [], event: 'E', payload: {} })
    assert.equal(recorder.requests.length, 0)
  })

  test('private-encrypted- channels are sent alone, encrypted, and the rest still batched', async () => {
    recorder.requests.length = 0
    const masterKey = Buffer.alloc(32, 7).toString('base64')
    await driver({ encryptionMasterKeyBase64: masterKey }).broadcast({
      channels: ['a', 'private-encrypted-x', 'b'],
      event: 'Secret',
      payload: { s: 1 },
    })
    const bodies = recorder.requests.map((r) => eventsBody(r))
    const encrypted = bodies.find((b) => b.channels.includes('private-encrypted-x'))
    const plain = bodies.find((b) => b.channels.includes('a'))
    assert.deepEqual(encrypted?.channels, ['private-encrypted-x'])
    const data = JSON.parse(encrypted?.data ?? '{}') as { nonce?: string; ciphertext?: string }
    assert.ok(data.nonce && data.ciphertext, 'data is {nonce, ciphertext}')
    assert.deepEqual(plain?.channels, ['a', 'b'])
  })

  test('broadcast after close() rejects; close() is idempotent', async () => {
    const d = driver()
    await d.close()
    await d.close()
    const err = await d.broadcast({ channels: ['a'], event: 'E', payload: {} }).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    )
    assert.match(assertBroadcastFailed(err, ['a']).message, /closed/)
  })
})

describe('PusherBroadcaster when the service is down', () => {
  test('a closed port rejects with BroadcastFailedError naming the refusal', { timeout: 10_000 }, async () => {
    const port = await freePort()
    const d = new PusherBroadcaster({ ...APP, host: '127.0.0.1', port, scheme: 'http', timeoutMs: 3000, maxPayloadSize: 10240 })
    try {
      const err = await d.broadcast({ channels: ['down'], event: 'E', payload: {} }).then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      )
      assert.match(assertBroadcastFailed(err, ['down']).message, /ECONNREFUSED/)
    } finally {
      await d.close()
    }
  })
})
