import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HeraldError } from '../../src/domain/errors.js'
import { toCamelCase, toKebabCase, toPascalCase, validateChannelPattern, validateClassName } from '../../src/cli/names.js'

describe('generator names', () => {
  it('accepts PascalCase class names', () => {
    for (const name of ['OrderShipped', 'A', 'Order2Shipped', 'HTTPPing']) assert.equal(validateClassName('make:event', name), name)
  })

  for (const [input, hint] of [
    ['123', undefined],
    ['orderShipped', 'OrderShipped'],
    ['order-shipped', 'OrderShipped'],
    ['order shipped', 'OrderShipped'],
    ['Order.Shipped', 'OrderShipped'],
    ['Object', undefined],
    ['Ordér', undefined],
    ['../Evil', undefined],
  ] as const) {
    it(`refuses ${JSON.stringify(input)} with a clear error${hint === undefined ? '' : ` suggesting ${hint}`}`, () => {
      assert.throws(
        () => validateClassName('make:event', input),
        (err: unknown) => {
          assert.ok(HeraldError.is(err, 'HERALD_ERR_INVALID_COMMAND'), String(err))
          assert.match(err.message, /^make:event ".*": a name must be a PascalCase class name/)
          assert.ok(err.message.includes(JSON.stringify(input)), err.message)
          if (hint === undefined) assert.doesNotMatch(err.message, /did you mean/)
          else assert.ok(err.message.endsWith(`did you mean ${hint}?`), err.message)
          return true
        },
      )
    })
  }

  it('asks for a name when none is given', () => {
    assert.throws(() => validateClassName('make:channel', undefined), /make:channel needs a name, e\.g\. `herald make:channel OrderChannel`/)
    assert.throws(() => validateClassName('make:event', ''), /make:event needs a name/)
  })

  it('derives file and function names', () => {
    assert.equal(toKebabCase('OrderShipped'), 'order-shipped')
    assert.equal(toKebabCase('HTTPPing'), 'http-ping')
    assert.equal(toKebabCase('Order2Shipped'), 'order2-shipped')
    assert.equal(toCamelCase('SendShipmentEmail'), 'sendShipmentEmail')
    assert.equal(toPascalCase('send_shipment-email'), 'SendShipmentEmail')
    assert.equal(toPascalCase('123'), undefined)
    assert.equal(toPascalCase('ordér'), undefined)
  })

  it('validates channel patterns with the authorizer\'s rules and returns their placeholders', () => {
    assert.deepEqual(validateChannelPattern('make:event', 'orders.{orderId}.items.{itemId}', { allowWildcard: false }), ['orderId', 'itemId'])
    assert.deepEqual(validateChannelPattern('make:event', 'news', { allowWildcard: false }), [])
    assert.deepEqual(validateChannelPattern('make:channel', 'tenant.*.orders', { allowWildcard: true }), [])
    assert.throws(() => validateChannelPattern('make:event', 'tenant.*.orders', { allowWildcard: false }), /make:event --channel "tenant\.\*\.orders": an event needs a concrete channel/)
    assert.throws(() => validateChannelPattern('make:event', 'private-orders.{id}', { allowWildcard: false }), /make:event --channel: .*without the private-/)
    assert.throws(() => validateChannelPattern('make:event', 'orders..x', { allowWildcard: false }), /make:event --channel: /)
    assert.throws(() => validateChannelPattern('make:event', 'orders.{order-id}', { allowWildcard: false }), (err: unknown) => HeraldError.is(err, 'HERALD_ERR_INVALID_COMMAND'))
  })
})
