// Herald inside your own Fastify app: mount the plugin, define an event, authorize a channel, dispatch.
// Run it: PORT=3000 node --import tsx examples/quickstart.ts   (test/e2e/quickstart.test.ts runs it too)
import Fastify from 'fastify'
import herald from '../src/http/index.js' // in your app: from 'herald/fastify'
import { BroadcastEvent, PrivateChannel } from '../src/index.js' // in your app: from 'herald'

// 1. An event. Its public fields are the payload; it goes to the order's private channel.
class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  readonly trackingNumber: string

  constructor(orderId: number, trackingNumber: string) {
    super()
    this.orderId = orderId
    this.trackingNumber = trackingNumber
  }

  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }

  override broadcastAs() {
    return 'OrderShipped' // explicit, so a minifier renaming the class changes nothing
  }
}

// Stand-ins for your session store and database.
interface User { id: number; name: string }
const usersByToken = new Map<string, User>([['token-ann', { id: 1, name: 'Ann' }], ['token-bob', { id: 2, name: 'Bob' }]])
const orders = new Map([[42, { id: 42, customerId: 1 }]])

const app = Fastify()

// 2. Mount Herald: its WebSocket server (/app/:key) and /broadcasting/auth share this server.
//    `authenticate` tells Herald who is asking; return null for "nobody".
await app.register(herald, {
  authenticate: (request) => usersByToken.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null,
})

// 3. Authorize the channel: only the customer who placed the order may listen.
app.herald.channels.channel('orders.{orderId}', (user: User, { orderId }) => orders.get(Number(orderId))?.customerId === user.id)

// 4. Dispatch: listeners run first, then the event is broadcast to `private-orders.42`.
app.herald.events.listen(OrderShipped, (event) => console.log(`order ${event.orderId} shipped`))
app.post<{ Params: { id: string } }>('/orders/:id/ship', async (request) => {
  await app.herald.events.dispatch(new OrderShipped(Number(request.params.id), 'TRACK-123'))
  return { shipped: true }
})

const address = await app.listen({ port: Number(process.env['PORT'] ?? 3000), host: '127.0.0.1' })
console.log(`Herald quickstart listening on ${address}`)
