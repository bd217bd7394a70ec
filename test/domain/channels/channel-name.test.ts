import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MAX_CHANNEL_NAME_LENGTH,
  assertValidChannelName,
  assertValidEventName,
  channelKindOf,
  isValidChannelName,
  requiresAuth,
  stripChannelPrefix,
} from '../../../src/domain/channels/channel-name.js'
import { Channel, EncryptedPrivateChannel, PresenceChannel, PrivateChannel, resolveChannelNames } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'

const validNames = ['orders', 'orders.1', 'private-orders.1', 'presence-chat.1', 'private-encrypted-x', '#server-to-user-1', 'a-b_c=d@e,f.g;h', 'x'.repeat(MAX_CHANNEL_NAME_LENGTH)]
const invalidNames: Array<[name: string, rule: RegExp]> = [
  ['', /non-empty/],
  ['x'.repeat(MAX_CHANNEL_NAME_LENGTH + 1), /at most 200 characters \(got 201\)/],
  ['orders 1', /may contain only/],
  ['orders/1', /may contain only/],
  ['orders:1', /may contain only/],
  ['ordérs', /may contain only/],
  ['orders#1', /may contain only/],
  ['orders.{id}', /may contain only/],
]

describe('channel name rules', () => {
  for (const name of validNames) {
    it(`accepts ${JSON.stringify(name.slice(0, 40))}`, () => {
      assert.equal(isValidChannelName(name), true)
      assert.doesNotThrow(() => assertValidChannelName(name))
    })
  }
  for (const [name, rule] of invalidNames) {
    it(`rejects ${JSON.stringify(name.slice(0, 40))}`, () => {
      assert.equal(isValidChannelName(name), false)
      assert.throws(
        () => assertValidChannelName(name),
        (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidChannelName) && rule.test(err.message) && err.message.includes(JSON.stringify(name)),
      )
    })
  }
})

describe('event name rules', () => {
  it('accepts ordinary and client names', () => {
    for (const name of ['OrderShipped', '.OrderShipped', 'App\\Events\\OrderShipped', 'client-typing']) assertValidEventName(name)
  })
  const bad: Array<[string, RegExp]> = [
    ['', /non-empty/],
    ['e'.repeat(201), /at most 200/],
    ['pusher:subscribe', /'pusher:' prefix is reserved/],
    ['pusher_internal:member_added', /'pusher_internal:' prefix is reserved/],
  ]
  for (const [name, rule] of bad) {
    it(`rejects ${JSON.stringify(name.slice(0, 30))}`, () => {
      assert.throws(() => assertValidEventName(name), (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidEventName) && rule.test(err.message))
    })
  }
})

describe('channel kinds and prefixes', () => {
  const table: Array<[name: string, kind: string, stripped: string, auth: boolean]> = [
    ['orders.1', 'public', 'orders.1', false],
    ['private-orders.1', 'private', 'orders.1', true],
    ['presence-orders.1', 'presence', 'orders.1', true],
    ['private-encrypted-orders.1', 'encrypted', 'orders.1', true],
    ['privateorders', 'public', 'privateorders', false],
    ['private-cache-x', 'private', 'cache-x', true],
  ]
  for (const [name, kind, stripped, auth] of table) {
    it(name, () => {
      assert.equal(channelKindOf(name), kind)
      assert.equal(stripChannelPrefix(name), stripped)
      assert.equal(requiresAuth(name), auth)
    })
  }
})

describe('Channel value objects', () => {
  it('derive the wire name from the kind', () => {
    assert.equal(String(new Channel('orders')), 'orders')
    assert.equal(String(new PrivateChannel('orders.1')), 'private-orders.1')
    assert.equal(String(new PresenceChannel('chat.1')), 'presence-chat.1')
    assert.equal(String(new EncryptedPrivateChannel('x')), 'private-encrypted-x')
    assert.equal(new PresenceChannel('chat.1').kind, 'presence')
  })

  it('validate the wire name, prefix included', () => {
    assert.throws(() => new PrivateChannel('a b'), /Invalid channel name "private-a b"/)
    assert.throws(() => new PrivateChannel('x'.repeat(195)), /at most 200 characters/)
  })

  it('resolveChannelNames accepts names, objects and lists, dropping duplicates', () => {
    assert.deepEqual(resolveChannelNames([new PrivateChannel('o.1'), 'private-o.1', 'o']), ['private-o.1', 'o'])
    assert.deepEqual(resolveChannelNames('o'), ['o'])
    assert.throws(() => resolveChannelNames(['ok', 'not ok']), /"not ok"/)
  })
})
