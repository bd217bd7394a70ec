import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { signChannelAuth } from '../../../src/domain/auth/pusher-signature.js'
import type { HeraldApp } from '../../../src/domain/realtime/herald-app.js'
import { authHeaders } from '../../../src/http/socketio/auth-headers.js'
import { readAuthAnswer } from '../../../src/http/socketio/channel-auth.js'

const app = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as HeraldApp
const priv = { socketId: '1.2', channel: 'private-orders', headers: {} }
const presence = { socketId: '1.2', channel: 'presence-chat', headers: {} }
const ok = (body: unknown, status = 200) => ({ status, body: JSON.stringify(body) })

describe('reading the auth endpoint answer for a Socket.IO subscription', () => {
  test("Pusher's signed answer is a yes only with this app's signature for this socket and channel", () => {
    assert.deepEqual(readAuthAnswer(app, priv, ok({ auth: signChannelAuth(app, '1.2', 'private-orders') })), { ok: true })
    const otherSocket = readAuthAnswer(app, priv, ok({ auth: signChannelAuth(app, '9.9', 'private-orders') }))
    assert.equal(otherSocket.ok, false)
    assert.match(!otherSocket.ok ? otherSocket.refusal.error : '', /signature .* does not match/)
    const data = JSON.stringify({ user_id: 7, user_info: { name: 'Ann' } })
    assert.deepEqual(readAuthAnswer(app, presence, ok({ auth: signChannelAuth(app, '1.2', 'presence-chat', data), channel_data: data })), {
      ok: true, member: { userId: '7', userInfo: { name: 'Ann' } },
    })
  })

  test("Laravel's redis broadcaster answers (true, {channel_data: {…}}) are yes; presence needs a user_id", () => {
    assert.deepEqual(readAuthAnswer(app, priv, ok(true)), { ok: true })
    assert.deepEqual(readAuthAnswer(app, presence, ok({ channel_data: { user_id: 'u1', user_info: null } })), { ok: true, member: { userId: 'u1', userInfo: null } })
    for (const body of [true, { channel_data: { name: 'no id' } }, { channel_data: 'not json' }]) {
      const outcome = readAuthAnswer(app, presence, ok(body))
      assert.deepEqual(outcome.ok ? 'yes' : [outcome.refusal.status, outcome.refusal.type], [502, 'AuthError'], JSON.stringify(body))
    }
  })

  test('non-2xx, false, null and non-JSON answers are refusals naming the status and the reason', () => {
    const denied = readAuthAnswer(app, priv, ok({ message: 'This action is unauthorized.' }, 403))
    assert.deepEqual(denied, { ok: false, refusal: { type: 'AuthError', status: 403, error: 'The auth endpoint refused the subscription (HTTP 403): This action is unauthorized.' } })
    for (const body of ['false', 'null', '<html>']) {
      const outcome = readAuthAnswer(app, priv, { status: 200, body })
      assert.equal(outcome.ok, false, body)
    }
  })
})

describe('headers of the auth request', () => {
  test("the subscribe's auth.headers (else the handshake's) plus cookie, origin and referer; reserved and malformed headers are dropped", () => {
    const handshake = {
      headers: { cookie: 'laravel_session=abc', origin: 'https://app.test', referer: 'https://app.test/x', 'user-agent': 'ua' },
      auth: { headers: { Authorization: 'Bearer from-handshake' } },
    } as never
    assert.deepEqual(authHeaders({ headers: { Authorization: 'Bearer t', 'X-CSRF-TOKEN': 'c', Host: 'evil', 'Bad Name': 'x', 'x-split': 'a\r\nb', 'x-num': 1 } }, handshake), {
      cookie: 'laravel_session=abc', origin: 'https://app.test', referer: 'https://app.test/x', authorization: 'Bearer t', 'x-csrf-token': 'c',
    })
    assert.equal(authHeaders({}, handshake).authorization, 'Bearer from-handshake')
    assert.equal(authHeaders('nonsense', handshake).authorization, 'Bearer from-handshake')
  })
})
