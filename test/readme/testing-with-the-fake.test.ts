import { test } from 'node:test'
import { BroadcastEvent, Broadcasting, EventDispatcher, NullBroadcaster, PrivateChannel } from '../../src/index.js' // in your app: from 'herald'
import { BroadcasterFake } from '../../src/testing/index.js' // in your app: from 'herald/testing'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number

  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }

  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
}

// The code under test: your application's own service.
async function shipOrder(events: EventDispatcher, orderId: number): Promise<void> {
  await events.dispatch(new OrderShipped(orderId))
}

test('shipping an order tells its customer', async () => {
  const broadcasting = new Broadcasting({ default: 'main', connections: { main: new NullBroadcaster() } })
  const fake = BroadcasterFake.install(broadcasting) // every connection now records instead of sending

  await shipOrder(new EventDispatcher(broadcasting), 42)

  fake.assertBroadcasted(OrderShipped, (event: OrderShipped) => event.orderId === 42)
  fake.assertBroadcastedOn('private-orders.42', OrderShipped)
  fake.assertBroadcastedTimes('OrderShipped', 1)
  fake.assertNotBroadcasted('OrderCancelled')
})
