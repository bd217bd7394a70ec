import { describe, test } from 'node:test'
import assert, { AssertionError } from 'node:assert/strict'
import { Broadcasting } from '../../src/domain/broadcasting/broadcasting.js'
import { PrivateChannel } from '../../src/domain/channels/channel.js'
import { BroadcastEvent, BroadcastNowEvent } from '../../src/domain/events/broadcast-event.js'
import { ModelEventOccurred } from '../../src/domain/models/model-event.js'
import { notify } from '../../src/domain/notifications/broadcast-notification.js'
import type { BroadcastMessage } from '../../src/domain/broadcasting/broadcast-message.js'
import { BroadcasterFake } from '../../src/testing/broadcaster-fake.js'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastAs() {
    return 'OrderShipped'
  }
  override broadcastQueue() {
    return 'orders'
  }
}

class Typing extends BroadcastNowEvent {
  broadcastOn() {
    return 'chat'
  }
  override broadcastAs() {
    return 'Typing'
  }
}

function setup() {
  const sent: BroadcastMessage[] = []
  const broadcasting = new Broadcasting({ default: 'main', connections: { main: { broadcast: async (m) => void sent.push(m) } } })
  return { broadcasting, sent }
}

const failsWith = (pattern: RegExp) => (err: unknown) => err instanceof AssertionError && pattern.test(err.message)

describe('BroadcasterFake: queued broadcasts', () => {
  test('by default a queued event is recorded as queued and broadcast at once (sync)', async () => {
    const { broadcasting, sent } = setup()
    const fake = BroadcasterFake.install(broadcasting)
    await broadcasting.event(new OrderShipped(1))
    await broadcasting.event(new Typing())
    fake.assertQueued(OrderShipped)
    fake.assertQueued('OrderShipped', (job) => job.queue === 'orders' && job.tries === 1)
    fake.assertNotQueued(Typing)
    fake.assertBroadcasted(OrderShipped, (e) => e.orderId === 1)
    fake.assertBroadcasted('Typing')
    assert.deepEqual(JSON.parse(JSON.stringify(fake.queued)), fake.queued)
    assert.equal(sent.length, 0)
    assert.throws(() => fake.assertQueued('Typing'), failsWith(/Expected 'Typing' to be queued, but it was not/))
    assert.throws(() => fake.assertQueued('OrderShipped', () => false), failsWith(/matching the predicate/))
    assert.throws(() => fake.assertNotQueued(OrderShipped), failsWith(/not to be queued, but it was queued 1 time\./))
    assert.throws(() => fake.assertNothingQueued(), failsWith(/but 1 job was queued/))
    fake.reset()
    fake.assertNothingQueued()
    fake.uninstall()
    await broadcasting.event(new OrderShipped(2))
    assert.equal(sent.length, 1)
  })

  test('holdQueued: queued, not broadcast until runQueued(), as with a worker', async () => {
    const { broadcasting } = setup()
    const fake = BroadcasterFake.install(broadcasting, { holdQueued: true })
    await broadcasting.event(new OrderShipped(1))
    await broadcasting.event(new OrderShipped(2))
    fake.assertQueued(OrderShipped)
    fake.assertNotBroadcasted(OrderShipped)
    await fake.runQueued()
    fake.assertBroadcastedTimes(OrderShipped, 2)
    assert.throws(() => fake.assertNothingQueued(), failsWith(/2 jobs were queued/))
  })

  test('model and notification broadcasts are assertable by name and channel', async () => {
    const { broadcasting } = setup()
    const fake = BroadcasterFake.install(broadcasting)
    await broadcasting.event(new ModelEventOccurred({ name: 'Post', key: 5, attributes: { id: 5 } }, 'updated'))
    class InvoicePaid {
      toBroadcast() {
        return { amount: 3 }
      }
    }
    await notify(broadcasting, { key: 1 }, new InvoicePaid())
    fake.assertBroadcastedOn('private-App.Models.Post.5', 'PostUpdated')
    fake.assertQueued(ModelEventOccurred, (job) => job.message.event === 'PostUpdated')
    fake.assertNotificationBroadcastedOn('private-App.Models.User.1')
    fake.assertNotificationBroadcastedOn(new PrivateChannel('App.Models.User.1'), 'InvoicePaid')
    assert.throws(() => fake.assertNotificationBroadcastedOn('private-App.Models.User.1', 'Other'), failsWith(/a 'Other' notification to be broadcast on channel 'private-App.Models.User.1'/))
    assert.throws(() => fake.assertNotificationBroadcastedOn('private-App.Models.User.2'), failsWith(/Expected a notification/))
  })

  test('anonymous broadcasts: send() is queued, sendNow() is not; both are assertable by name and channel', async () => {
    const { broadcasting, sent } = setup()
    const fake = BroadcasterFake.install(broadcasting, { holdQueued: true })
    await broadcasting.private('orders.1').broadcast('OrderPlaced', { id: 1 }).onQueue('orders').toOthers('1.2')
    await broadcasting.on('feed').send()
    await broadcasting.channel('chat.1').broadcast('Typing').sendNow()
    fake.assertQueued('OrderPlaced', (job) => job.queue === 'orders' && job.message.socketId === '1.2')
    fake.assertQueuedOn('private-orders.1', 'OrderPlaced')
    fake.assertQueuedOn(new PrivateChannel('orders.1'), 'OrderPlaced')
    fake.assertQueued('AnonymousEvent')
    fake.assertNotQueued('Typing')
    fake.assertBroadcastedOn('chat.1', 'Typing')
    fake.assertNotBroadcasted('OrderPlaced')
    assert.throws(() => fake.assertQueuedOn('private-orders.2', 'OrderPlaced'), (err: unknown) => {
      assert.ok(err instanceof AssertionError)
      assert.match(err.message, /Expected 'OrderPlaced' to be queued on channel 'private-orders.2', but it was not\./)
      // The failure lists what was queued, not what was broadcast.
      assert.match(err.message, /Queued so far \(2\):\n {2}1\. OrderPlaced on \[private-orders\.1\] \(queue orders, via main, toOthers 1\.2\) \{"id":1\}\n {2}2\. AnonymousEvent on \[feed\] \(queue default, via main\) \{\}/)
      return true
    })
    assert.throws(() => fake.assertQueued('Typing'), failsWith(/Queued so far \(2\)/))
    await fake.runQueued()
    fake.assertBroadcasted('OrderPlaced', (m) => m.socketId === '1.2')
    fake.assertBroadcastedOn('feed', 'AnonymousEvent')
    fake.reset()
    assert.throws(() => fake.assertQueuedOn('feed', 'AnonymousEvent'), failsWith(/Nothing was queued\./))
    assert.equal(sent.length, 0)
  })

  test('anonymous broadcasts held until commit are queued on commit', async () => {
    const { broadcasting } = setup()
    const fake = BroadcasterFake.install(broadcasting)
    const hold = broadcasting.hold()
    await hold.event(broadcasting.channel('orders').broadcast('OrderCreated', { id: 5 }))
    fake.assertNothingQueued()
    await hold.commit()
    fake.assertQueuedOn('orders', 'OrderCreated')
    fake.assertBroadcasted('OrderCreated', (m) => (m.payload as { id: number }).id === 5)
  })
})
