import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import Pusher from 'pusher'
import type { AuthorizationResult } from '../../../src/domain/auth/authorization-result.js'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'
import { verifyChannelAuth, verifyUserAuth } from '../../../src/domain/auth/pusher-signature.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'

interface User {
  id: number
  name: string
  orderIds: string[]
}

const key = 'app-key'
const secret = 'app-secret'
const masterKey = randomBytes(32).toString('base64')
const socketId = '1234.5678'
const ann: User = { id: 7, name: 'Ann', orderIds: ['42'] }

// The outside reference: the official server SDK signs the same inputs.
const pusher = new Pusher({ appId: '1', key, secret, encryptionMasterKeyBase64: masterKey, host: '127.0.0.1' }) // never contacted

function authorizer(): ChannelAuthorizer<User> {
  return new ChannelAuthorizer<User>({ key, secret, encryptionMasterKey: masterKey })
    .channel('orders.{orderId}', (user, { orderId }) => user.orderIds.includes(orderId))
    .channel('chat.{roomId}', async (user) => ({ name: user.name }))
}

function granted(result: AuthorizationResult) {
  assert.equal(result.allowed, true, result.allowed ? '' : `denied: ${result.reason}: ${result.message}`)
  return result.payload
}

function denied(result: AuthorizationResult | Awaited<ReturnType<ChannelAuthorizer['authenticateUser']>>, reason: string) {
  assert.equal(result.allowed, false, 'expected a denial')
  assert.equal(result.reason, reason, result.message)
  return result
}

describe('ChannelAuthorizer signs exactly as the pusher SDK', () => {
  it('private channel', async () => {
    const payload = granted(await authorizer().authorize(ann, 'private-orders.42', socketId))
    assert.deepEqual(payload, pusher.authorizeChannel(socketId, 'private-orders.42'))
    assert.equal(verifyChannelAuth({ key, secret }, socketId, 'private-orders.42', payload.auth), true)
  })

  it('presence channel: channel_data is { user_id, user_info } with the user id as a string', async () => {
    const payload = granted(await authorizer().authorize(ann, 'presence-chat.1', socketId))
    assert.deepEqual(payload, pusher.authorizeChannel(socketId, 'presence-chat.1', { user_id: '7', user_info: { name: 'Ann' } }))
    assert.equal(payload.channel_data, '{"user_id":"7","user_info":{"name":"Ann"}}')
  })

  it('presence member info with its own id or user_id, or already in { user_id, user_info } form', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret })
      .channel('a', (user) => ({ id: `u${user.id}`, name: user.name }))
      .channel('b', () => ({ user_id: 99, user_info: { role: 'admin' } }))
      .channel('c', () => ({ user_id: 'x' }))
    assert.deepEqual(granted(await a.authorize(ann, 'presence-a', socketId)), pusher.authorizeChannel(socketId, 'presence-a', { user_id: 'u7', user_info: { id: 'u7', name: 'Ann' } }))
    assert.deepEqual(granted(await a.authorize(ann, 'presence-b', socketId)), pusher.authorizeChannel(socketId, 'presence-b', { user_id: '99', user_info: { role: 'admin' } }))
    assert.deepEqual(granted(await a.authorize(ann, 'presence-c', socketId)), pusher.authorizeChannel(socketId, 'presence-c', { user_id: 'x', user_info: { user_id: 'x' } }))
  })

  it('encrypted channel carries the shared secret', async () => {
    const payload = granted(await authorizer().authorize(ann, 'private-encrypted-orders.42', socketId))
    const reference = pusher.authorizeChannel(socketId, 'private-encrypted-orders.42')
    assert.ok(reference.shared_secret)
    assert.deepEqual(payload, reference)
  })

  it('user authentication for pusher:signin', async () => {
    const a = authorizer()
    const plain = await a.authenticateUser(ann, socketId)
    assert.ok(plain.allowed)
    assert.deepEqual(plain.payload, pusher.authenticateUser(socketId, { id: '7' }))
    const withInfo = await a.authenticateUser(ann, socketId, { name: 'Ann' })
    assert.ok(withInfo.allowed)
    assert.deepEqual(withInfo.payload, pusher.authenticateUser(socketId, { id: '7', user_info: { name: 'Ann' } }))
    assert.equal(verifyUserAuth({ key, secret }, socketId, withInfo.payload.user_data, withInfo.payload.auth), true)
  })

  it('a custom userId resolver is used for presence and sign-in', async () => {
    const a = new ChannelAuthorizer<{ uuid: string }>({ key, secret, userId: (u) => u.uuid }).channel('room', () => ({ online: true }))
    const payload = granted(await a.authorize({ uuid: 'abc' }, 'presence-room', socketId))
    assert.equal(payload.channel_data, '{"user_id":"abc","user_info":{"online":true}}')
    const signin = await a.authenticateUser({ uuid: 'abc' }, socketId)
    assert.ok(signin.allowed)
    assert.equal(signin.payload.user_data, '{"id":"abc"}')
  })
})

describe('ChannelAuthorizer rules', () => {
  it('passes the pattern parameters and supports { join } handlers with their own this', async () => {
    const seen: unknown[] = []
    class ShopChannel {
      readonly allowed = 'acme'
      join(user: User, params: { shop: string; orderId: string }) {
        seen.push(user.name, params)
        return params.shop === this.allowed
      }
    }
    const a = new ChannelAuthorizer<User>({ key, secret }).channel('shops.{shop}.orders.{orderId}', new ShopChannel())
    granted(await a.authorize(ann, 'private-shops.acme.orders.3', socketId))
    assert.deepEqual(seen, ['Ann', { shop: 'acme', orderId: '3' }])
    denied(await a.authorize(ann, 'private-shops.other.orders.3', socketId), 'denied')
  })

  it('the first matching rule decides', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret }).channel('orders.{id}', () => false).channel('orders.*', () => true)
    denied(await a.authorize(ann, 'private-orders.1', socketId), 'denied')
  })

  it('a private rule returning member info grants (one rule may serve private and presence)', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret }).channel('chat.{id}', (u) => ({ name: u.name }))
    assert.deepEqual(granted(await a.authorize(ann, 'private-chat.1', socketId)), pusher.authorizeChannel(socketId, 'private-chat.1'))
  })

  it('denies: false, null, an unknown channel, a near miss, a non-boolean', async () => {
    const a = authorizer().channel('maybe', () => null).channel('odd', () => 'yes' as unknown as boolean)
    denied(await a.authorize(ann, 'private-orders.43', socketId), 'denied')
    denied(await a.authorize(ann, 'private-maybe', socketId), 'denied')
    const none = denied(await a.authorize(ann, 'private-invoices.1', socketId), 'no-matching-rule')
    assert.match(none.message, /"private-invoices\.1"/)
    denied(await a.authorize(ann, 'private-customer.orders.42', socketId), 'no-matching-rule')
    assert.match(denied(await a.authorize(ann, 'private-odd', socketId), 'denied').message, /returned "yes"/)
  })

  it('a callback that throws or rejects is a denial that keeps the error', async () => {
    const boom = new Error('database down')
    const a = new ChannelAuthorizer<User>({ key, secret })
      .channel('sync', () => {
        throw boom
      })
      .channel('async', async () => Promise.reject(boom))
    for (const channel of ['private-sync', 'presence-async']) {
      const d = denied(await a.authorize(ann, channel, socketId), 'callback-threw')
      assert.equal(d.error, boom)
      assert.match(d.message, /database down/)
    }
  })

  it('a rule that never settles is denied with callback-timeout after ruleTimeoutMs; a slower rule within it still grants', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret, ruleTimeoutMs: 50 })
      .channel('stuck.{id}', () => new Promise<boolean>(() => {}))
      .channel('slow.{id}', () => new Promise<boolean>((resolve) => setTimeout(resolve, 5, true)))
    const d = denied(await a.authorize(ann, 'private-stuck.1', socketId), 'callback-timeout')
    assert.match(d.message, /rule 'stuck\.\{id\}' for "private-stuck\.1" did not settle within 50 ms/)
    assert.equal((await a.authorize(ann, 'private-slow.1', socketId)).allowed, true)
  })

  it('ruleTimeoutMs must be a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new ChannelAuthorizer<User>({ key, secret, ruleTimeoutMs: bad }), (err: unknown) => HeraldError.is(err) && err.code === HeraldErrorCode.InvalidConfig && /ruleTimeoutMs/.test(err.message))
    }
  })

  it('a presence callback returning true is a clear invalid-member denial', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret }).channel('chat.{id}', () => true)
    const d = denied(await a.authorize(ann, 'presence-chat.1', socketId), 'invalid-member')
    assert.match(d.message, /presence channel callbacks must return member info/)
    assert.match(d.message, /chat\.\{id\}/)
  })

  it('presence member info that cannot be used is invalid-member', async () => {
    const noId = new ChannelAuthorizer<object>({ key, secret }).channel('room', () => ({ name: 'x' }))
    assert.match(denied(await noId.authorize({}, 'presence-room', socketId), 'invalid-member').message, /no string or number 'id'/)
    const a = new ChannelAuthorizer<User>({ key, secret })
      .channel('big', () => ({ n: 10n }))
      .channel('list', () => [1, 2])
      .channel('empty', () => ({ id: '' }))
      .channel('long', () => ({ id: 'x'.repeat(129) }))
    assert.ok(denied(await a.authorize(ann, 'presence-big', socketId), 'invalid-member').error instanceof TypeError)
    denied(await a.authorize(ann, 'presence-list', socketId), 'invalid-member')
    assert.match(denied(await a.authorize(ann, 'presence-empty', socketId), 'invalid-member').message, /non-empty/)
    assert.match(denied(await a.authorize(ann, 'presence-long', socketId), 'invalid-member').message, /at most 128/)
  })

  it('invalid socket ids, bad channel names, public channels and missing users are refused before any rule runs', async () => {
    let calls = 0
    const a = new ChannelAuthorizer<User | null>({ key, secret }).channel('orders.{id}', () => {
      calls++
      return true
    })
    assert.match(denied(await a.authorize(ann, 'private-orders.1', '1234'), 'invalid-socket-id').message, /"1234"/)
    denied(await a.authorize(ann, 'private-orders.1', '1.2:evil'), 'invalid-socket-id')
    assert.match(denied(await a.authorize(ann, 'private-orders 1', socketId), 'invalid-channel').message, /"private-orders 1"/)
    assert.match(denied(await a.authorize(ann, 'orders.1', socketId), 'invalid-channel').message, /public/)
    denied(await a.authorize(null, 'private-orders.1', socketId), 'unauthenticated')
    denied(await a.authenticateUser(null, socketId), 'unauthenticated')
    denied(await a.authenticateUser(ann, 'x'), 'invalid-socket-id')
    // Whatever the HTTP layer passes through, the answer is a denial, never a throw.
    denied(await a.authorize(ann, undefined as never, socketId), 'invalid-channel')
    denied(await a.authorize(ann, 'private-orders.1', 5678 as never), 'invalid-socket-id')
    assert.equal(calls, 0)
  })

  it('encrypted channels without a master key are denied', async () => {
    const a = new ChannelAuthorizer<User>({ key, secret }).channel('orders.{id}', () => true)
    denied(await a.authorize(ann, 'private-encrypted-orders.1', socketId), 'encryption-not-configured')
  })

  it('rejects a bad pattern or rule at registration with a coded error', () => {
    const a = new ChannelAuthorizer<User>()
    assert.throws(() => a.channel('orders.{id}.{id}', () => true), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidChannelPattern))
    assert.throws(() => a.channel('orders', {} as never), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidConfig) && /join\(user, params\)/.test(e.message))
  })
})

describe('ChannelAuthorizer credentials', () => {
  it('rules may be registered first and credentials supplied later', async () => {
    const a = new ChannelAuthorizer<User>().channel('orders.{id}', () => true)
    assert.equal(a.credentials === undefined, true)
    assert.match(denied(await a.authorize(ann, 'private-orders.1', socketId), 'credentials-missing').message, /setCredentials/)
    denied(await a.authenticateUser(ann, socketId), 'credentials-missing')
    a.setCredentials({ key, secret, encryptionMasterKey: masterKey })
    assert.equal(a.credentials?.key, key)
    assert.deepEqual(granted(await a.authorize(ann, 'private-encrypted-orders.1', socketId)), pusher.authorizeChannel(socketId, 'private-encrypted-orders.1'))
  })

  it('bad credentials fail at once, listing every problem', () => {
    assert.throws(
      () => new ChannelAuthorizer({ key: '', secret: '', encryptionMasterKey: 'c2hvcnQ=' }),
      (e: unknown) => {
        assert.ok(HeraldError.is(e, HeraldErrorCode.InvalidConfig))
        assert.match(e.message, /key: must be a non-empty string/)
        assert.match(e.message, /secret: must be a non-empty string/)
        assert.match(e.message, /encryptionMasterKey: must be base64 of exactly 32 bytes \(got 5 bytes\)/)
        return true
      },
    )
    assert.throws(() => new ChannelAuthorizer({ key }), /secret: must be a non-empty string/)
  })
})
