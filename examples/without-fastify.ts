// Herald's core without any server: an event, a listener, and the log driver. Run it:
//   node --import tsx examples/without-fastify.ts          (test/readme/without-fastify.test.ts runs it too)
import { BroadcastEvent, EventDispatcher, PrivateChannel, createBroadcasting, loadConfig } from '../src/index.js' // in your app: from 'herald'

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

// The config names the driver; swap 'log' for 'redis', 'pusher' or 'ably' (or set BROADCAST_CONNECTION
// and call loadConfig() with no object) and nothing else changes.
const broadcasting = createBroadcasting(loadConfig({ default: 'log' }))
const events = new EventDispatcher(broadcasting)
events.listen(OrderShipped, (event) => console.log(`listener: order ${event.orderId} shipped`))

await events.dispatch(new OrderShipped(42)) // the listener runs, then the event is broadcast
await broadcasting.channel('orders').broadcast('OrderCreated', { id: 43 }) // no event class needed
await broadcasting.close()
