import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AssertionError } from 'node:assert'
import { BroadcasterFake, formatCalls, previewPayload, PAYLOAD_PREVIEW_LENGTH } from '../../src/testing/index.js'
import { Broadcasting } from '../../src/domain/broadcasting/index.js'
import { PrivateChannel } from '../../src/domain/channels/channel.js'
import type { ShouldBroadcast } from '../../src/domain/events/should-broadcast.js'
import type { BroadcasterPort } from '../../src/domain/ports/broadcaster-port.js'
import type { BroadcastMessage } from '../../src/domain/broadcasting/broadcast-message.js'

class OrderShipped implements ShouldBroadcast {
  readonly orderId: number
  constructor(orderId: number) {
    this.orderId = orderId
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  broadcastAs() {
    return 'order.shipped'
  }
  broadcastWith() {
    return { order_id: this.orderId }
  }
}

class Unrelated implements ShouldBroadcast {
  broadcastOn() {
    return 'misc'
  }
  broadcastAs() {
    return 'Unrelated'
  }
  broadcastWith() {
    return {}
  }
}

function message(event: string, channels: string[] = ['orders'], payload: unknown = {}): BroadcastMessage {
  return { channels, event, payload }
}

/** Runs `fn`, expecting an AssertionError; returns it for inspection. */
function assertionFrom(fn: () => void): AssertionError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof AssertionError, `expected an AssertionError, got ${String(err)}`)
    return err
  }
  assert.fail('expected the assertion to fail')
}

describe('BroadcasterFake', () => {
  test('records every message in order and reset() forgets them', async () => {
    const fake = new BroadcasterFake()
    await fake.broadcast(message('A'))
    await fake.broadcast(message('B', ['x', 'y'], { n: 1 }))
    assert.deepEqual(
      fake.calls.map((c) => c.event),
      ['A', 'B'],
    )
    assert.deepEqual(fake.calls[1], { channels: ['x', 'y'], event: 'B', payload: { n: 1 } })
    fake.reset()
    assert.equal(fake.calls.length, 0)
    fake.assertNothingBroadcasted()
  })

  test('assertBroadcasted by name, with and without a predicate', async () => {
    const fake = new BroadcasterFake()
    await fake.broadcast(message('OrderShipped', ['orders.1'], { order_id: 1 }))
    fake.assertBroadcasted('OrderShipped')
    fake.assertBroadcasted('OrderShipped', (m) => (m.payload as { order_id: number }).order_id === 1)
    const err = assertionFrom(() => fake.assertBroadcasted('OrderShipped', (m) => (m.payload as { order_id: number }).order_id === 2))
    assert.match(err.message, /Expected 'OrderShipped' matching the predicate to be broadcast, but it was not/)
    assert.match(err.message, /1\. OrderShipped on \[orders\.1\] \{"order_id":1\}/)
  })

  test('assertBroadcasted by class matches the source event and hands it to the predicate', async () => {
    const broadcasting = new Broadcasting({ default: 'main', connections: { main: new BroadcasterFake() } })
    const fake = BroadcasterFake.install(broadcasting)
    await broadcasting.event(new OrderShipped(7))
    fake.assertBroadcasted(OrderShipped)
    fake.assertBroadcasted(OrderShipped, (e) => e.orderId === 7)
    fake.assertBroadcastedOn('private-orders.7', OrderShipped)
    fake.assertBroadcastedOn(new PrivateChannel('orders.7'), 'order.shipped')
    fake.assertNotBroadcasted(Unrelated)
    const err = assertionFrom(() => fake.assertBroadcasted(OrderShipped, (e) => e.orderId === 8))
    assert.match(err.message, /\[OrderShipped\] matching the predicate/)
    assert.match(err.message, /order\.shipped on \[private-orders\.7\] \{"order_id":7\}/)
  })

  test('a class selector does not match a message with no source event, even with the same name', async () => {
    const fake = new BroadcasterFake()
    await fake.broadcast(message('OrderShipped'))
    assertionFrom(() => fake.assertBroadcasted(OrderShipped))
  })

  test('assertBroadcastedTimes counts exactly', async () => {
    const fake = new BroadcasterFake()
    await fake.broadcast(message('Tick'))
    await fake.broadcast(message('Tick'))
    fake.assertBroadcastedTimes('Tick', 2)
    fake.assertBroadcastedTimes('Tock', 0)
    const err = assertionFrom(() => fake.assertBroadcastedTimes('Tick', 3))
    assert.equal(err.actual, 2)
    assert.equal(err.expected, 3)
    assert.match(err.message, /Expected 'Tick' to be broadcast 3 times, but it was broadcast 2 times\./)
  })

  test('assertBroadcastedOn fails when the event went to another channel, listing the channels', async () => {
    const fake = new BroadcasterFake()
    await fake.broadcast(message('OrderShipped', ['private-orders.1']))
    const err = assertionFrom(() => fake.assertBroadcastedOn('private-orders.2', 'OrderShipped'))
    assert.match(err.message, /on channel 'private-orders\.2', but it was not/)
    assert.deepEqual(err.actual, ['OrderShipped on [private-orders.1]'])
    assert.equal(err.expected, "'OrderShipped' on [private-orders.2]")
  })

  test('assertNotBroadcasted and assertNothingBroadcasted list what was broadcast', async () => {
    const fake = new BroadcasterFake()
    fake.assertNotBroadcasted('A')
    await fake.broadcast({ channels: ['chat.1'], event: 'Typing', payload: { user: 1 }, socketId: '1.2' })
    const notErr = assertionFrom(() => fake.assertNotBroadcasted('Typing'))
    assert.match(notErr.message, /Expected 'Typing' not to be broadcast, but it was broadcast 1 time\./)
    const nothingErr = assertionFrom(() => fake.assertNothingBroadcasted())
    assert.match(nothingErr.message, /Expected nothing to be broadcast, but 1 broadcast happened\./)
    assert.match(nothingErr.message, /Typing on \[chat\.1\] \(toOthers 1\.2\) \{"user":1\}/)
    assert.deepEqual(nothingErr.actual, ['Typing'])
    assert.deepEqual(nothingErr.expected, [])
  })

  test('a failure with nothing recorded says so', () => {
    const fake = new BroadcasterFake()
    const err = assertionFrom(() => fake.assertBroadcasted('X'))
    assert.match(err.message, /Nothing was broadcast\./)
    assert.equal(err.operator, 'assertBroadcasted')
  })

  test('install() swaps the fake in for every connection; uninstall() restores them', async () => {
    const real: BroadcastMessage[] = []
    const port: BroadcasterPort = { broadcast: async (m) => void real.push(m) }
    const broadcasting = new Broadcasting({ default: 'a', connections: { a: port, b: port } })
    const fake = BroadcasterFake.install(broadcasting)
    await broadcasting.channel('orders').broadcast('ViaA', {})
    await broadcasting.channel('orders').broadcast('ViaB', {}).via('b')
    assert.equal(real.length, 0, 'the real port received nothing while the fake was installed')
    assert.deepEqual(
      fake.calls.map((c) => c.event),
      ['ViaA', 'ViaB'],
    )
    fake.uninstall()
    fake.uninstall()
    await broadcasting.channel('orders').broadcast('After', {})
    assert.deepEqual(
      real.map((c) => c.event),
      ['After'],
    )
  })

  test('payload previews are short and never throw', () => {
    const long = { text: 'x'.repeat(500) }
    assert.equal(previewPayload(long).length, PAYLOAD_PREVIEW_LENGTH)
    const circular: Record<string, unknown> = {}
    circular.self = circular
    assert.equal(previewPayload(circular), '[object Object]')
    assert.equal(previewPayload(10n), '10')
    assert.equal(formatCalls([]), 'Nothing was broadcast.')
  })
})
