import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ChannelPattern } from '../../../src/domain/channels/channel-pattern.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'

// Table after Laravel's channelNameMatchPatternProvider, with the near misses that must not match.
const matchCases: Array<[pattern: string, channel: string, expected: Record<string, string> | null]> = [
  ['orders.{orderId}', 'orders.42', { orderId: '42' }],
  ['orders.{orderId}', 'private-orders.42', { orderId: '42' }],
  ['orders.{orderId}', 'presence-orders.42', { orderId: '42' }],
  ['orders.{orderId}', 'private-encrypted-orders.42', { orderId: '42' }],
  ['orders.{orderId}', 'orders.abc-DEF_1=@,;', { orderId: 'abc-DEF_1=@,;' }],
  ['order.{id}', 'customer.order.1', null],
  ['order.{id}', 'order.1.extra', null],
  ['orders.{orderId}', 'orders.4.2', null],
  ['orders.{orderId}', 'orders.', null],
  ['orders.{orderId}', 'orders', null],
  ['orders.{orderId}', 'orders..42', null],
  ['orders.{orderId}', 'ordersX42', null],
  ['orders.{orderId}', 'Orders.42', null],
  ['orders.{orderId}', 'orders.4 2', null],
  ['orders.{orderId}', 'orders.4*2', null],
  ['orders.{orderId}', 'orders.' + '1'.repeat(200), null],
  ['orders.{orderId}', 'private-private-orders.1', null],
  ['something.{a}.test.{b}', 'something.1.test.2', { a: '1', b: '2' }],
  ['something.{a}.test.{b}', 'something..test.42', null],
  ['something.{a}.test.{b}', 'something.1.test.2.3', null],
  ['tenant.*.orders', 'tenant.acme.orders', {}],
  ['tenant.*.orders', 'tenant.acme.eu.orders', null],
  ['tenant.*.orders', 'tenant..orders', null],
  ['tenant.*.orders.{id}', 'private-tenant.acme.orders.7', { id: '7' }],
  ['user-{id}.inbox', 'user-5.inbox', { id: '5' }],
  ['user-{id}.inbox', 'user-.inbox', null],
  ['user-{id}.inbox', 'admin-5.inbox', null],
  ['chat', 'presence-chat', {}],
  ['chat', 'chat.1', null],
  ['a-b', 'axb', null],
]

describe('ChannelPattern.match', () => {
  for (const [pattern, channel, expected] of matchCases) {
    it(`${pattern} vs ${channel.length > 40 ? channel.slice(0, 40) + '…' : channel} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(ChannelPattern.compile(pattern).match(channel), expected)
    })
  }

  it('returns a plain object that callers can compare and spread', () => {
    const params = ChannelPattern.compile('orders.{orderId}').match('orders.9')
    assert.equal(Object.getPrototypeOf(params), Object.prototype)
  })

  it('test() agrees with match()', () => {
    const p = ChannelPattern.compile('orders.{orderId}')
    assert.equal(p.test('orders.1'), true)
    assert.equal(p.test('orders.1.2'), false)
  })

  it('types the parameters of a literal pattern', () => {
    const params = ChannelPattern.compile('shops.{shopId}.orders.{orderId}').match('shops.1.orders.2')
    assert.ok(params)
    const both: string = params.shopId + params.orderId
    assert.equal(both, '12')
  })

  it('matchUnprefixed matches a bare name as is (the prefix is not stripped again)', () => {
    const p = ChannelPattern.compile('orders.{orderId}')
    assert.deepEqual(p.matchUnprefixed('orders.7'), { orderId: '7' })
    assert.equal(p.matchUnprefixed('private-orders.7'), null)
  })

  it('records the parameter names in order', () => {
    assert.deepEqual(ChannelPattern.compile('a.{x}.*.{y}').paramNames, ['x', 'y'])
  })
})

const invalidPatterns: Array<[pattern: string, mentions: RegExp]> = [
  ['', /non-empty/],
  ['orders.{id}.items.{id}', /\{id\} appears more than once/],
  ['orders..{id}', /segment 2 is empty/],
  ['.orders', /segment 1 is empty/],
  ['orders.', /segment 2 is empty/],
  ['orders.{id', /unbalanced '\{'/],
  ['orders.id}', /unbalanced '\}'/],
  ['orders.{}', /parameter \{\} must be a name/],
  ['orders.{1id}', /parameter \{1id\} must be a name/],
  ['orders.{a-b}', /parameter \{a-b\} must be a name/],
  ['orders.{a}{b}', /touch/],
  ['orders*', /'\*' must be a whole segment/],
  ['orders.*x', /'\*' must be a whole segment/],
  ['orders.a b', /may contain only/],
  ['private-orders.{id}', /without the private-/],
  ['presence-chat', /without the private-/],
]

describe('ChannelPattern.compile rejects', () => {
  for (const [pattern, mentions] of invalidPatterns) {
    it(JSON.stringify(pattern), () => {
      assert.throws(
        () => ChannelPattern.compile(pattern),
        (err: unknown) => {
          assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidChannelPattern), `expected a coded error, got ${String(err)}`)
          assert.match(err.message, mentions)
          assert.ok(err.message.includes(JSON.stringify(pattern)), `message names the pattern: ${err.message}`)
          return true
        },
      )
    })
  }
})

describe('ChannelPattern.format', () => {
  it('is the inverse of match', () => {
    const p = ChannelPattern.compile('shops.{shopId}.orders.{orderId}')
    const name = p.format({ shopId: 'acme', orderId: 42 })
    assert.equal(name, 'shops.acme.orders.42')
    assert.deepEqual(p.match(name), { shopId: 'acme', orderId: '42' })
  })

  it('refuses values that would not match back, and wildcards', () => {
    const p = ChannelPattern.compile('orders.{orderId}')
    assert.throws(() => p.format({ orderId: '4.2' }), /"4\.2" for 'orderId'/)
    assert.throws(() => p.format({ orderId: '' }), /for 'orderId'/)
    assert.throws(() => p.format({} as { orderId: string }), /missing parameter 'orderId'/)
    assert.throws(() => ChannelPattern.compile('tenant.*').format({}), /wildcard/)
  })
})
