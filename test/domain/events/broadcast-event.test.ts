import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PrivateChannel } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { BroadcastEvent, defaultBroadcastName, defaultBroadcastPayload } from '../../../src/domain/events/broadcast-event.js'
import { isShouldBroadcast } from '../../../src/domain/events/should-broadcast.js'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  readonly shippedAt = new Date('2026-01-02T03:04:05.000Z')
  readonly note: string | undefined = undefined
  // TypeScript `private` is only a compile-time marker: it IS broadcast. `#audit` is not.
  private readonly internal = 'visible on the wire'
  #audit = 'never broadcast'
  readonly format = () => 'functions are skipped'

  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }

  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }

  audit(): string {
    return this.#audit + this.internal
  }
}

class Renamed extends OrderShipped {
  override broadcastAs() {
    return 'order.shipped'
  }
}

describe('BroadcastEvent defaults', () => {
  it('is a ShouldBroadcast with Laravel defaults', async () => {
    const e = new OrderShipped(42)
    assert.equal(isShouldBroadcast(e), true)
    assert.equal(e.broadcastAs(), 'OrderShipped')
    assert.equal(await e.broadcastWhen(), true)
    assert.equal(e.broadcastVia(), undefined)
    assert.equal(e.broadcastQueue(), undefined)
    assert.equal(new Renamed(1).broadcastAs(), 'order.shipped')
  })

  it('the payload is own enumerable properties made JSON-safe; #private fields and functions are left out', () => {
    assert.deepEqual(new OrderShipped(42).broadcastWith(), {
      orderId: 42,
      shippedAt: '2026-01-02T03:04:05.000Z',
      internal: 'visible on the wire',
    })
  })

  it('a subclass keeps its own class name', () => {
    class SubShipped extends OrderShipped {}
    assert.equal(new SubShipped(1).broadcastAs(), 'SubShipped')
  })
})

describe('standalone defaults for plain ShouldBroadcast objects', () => {
  it('name: the class name; a plain object has none and gets a coded error', () => {
    class Plain {
      broadcastOn() {
        return 'orders'
      }
    }
    assert.equal(defaultBroadcastName(new Plain()), 'Plain')
    assert.throws(
      () => defaultBroadcastName({ broadcastOn: () => 'orders' }),
      (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent) && /broadcastAs\(\)/.test(e.message),
    )
  })

  it('payload: works on any object and names the property that is not serializable', () => {
    assert.deepEqual(defaultBroadcastPayload({ a: 1, b: [1, 'x'], c: { d: null }, f() {} }), { a: 1, b: [1, 'x'], c: { d: null } })
    class Big {
      readonly ok = 1
      readonly total = 10n
    }
    assert.throws(
      () => defaultBroadcastPayload(new Big()),
      (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent) && /Big \(property 'total'\)/.test(e.message) && e.cause instanceof TypeError,
    )
  })

  it('the payload is a copy: later changes to the event do not leak into it', () => {
    const e = { items: [1] }
    const payload = defaultBroadcastPayload(e)
    e.items.push(2)
    assert.deepEqual(payload, { items: [1] })
  })
})
