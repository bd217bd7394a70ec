/**
 * Type tests of `EventPayload`: what a client is told an event's payload is, from the event class alone.
 * Checked by the type check `npm test` runs first (this file is not executed).
 */
import { BroadcastEvent, Channel, PrivateChannel, type EventPayload, type ShouldBroadcast } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

// An explicit broadcastWith(): its return type, as it arrives through JSON (a Date becomes a string).
class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastWith() {
    return { orderId: this.orderId, shippedAt: new Date(0), items: [{ sku: 'a', qty: 1 }] }
  }
}
export type FromBroadcastWith = Expect<Equal<EventPayload<typeof OrderShipped>, { orderId: number; shippedAt: string; items: Array<{ sku: string; qty: number }> }>>
// The instance type gives the same answer as the class.
export type FromInstance = Expect<Equal<EventPayload<OrderShipped>, EventPayload<typeof OrderShipped>>>

// BroadcastEvent's default payload: the public fields, methods and Herald's hooks left out.
class UserJoined extends BroadcastEvent {
  readonly userId: string
  readonly joinedAt: Date
  readonly tags: readonly string[]
  constructor(userId: string) {
    super()
    this.userId = userId
    this.joinedAt = new Date(0)
    this.tags = []
  }
  broadcastOn() {
    return new Channel('lobby')
  }
  greet(): string {
    return `hi ${this.userId}`
  }
}
export type FromFields = Expect<Equal<EventPayload<typeof UserJoined>, { readonly userId: string; readonly joinedAt: string; readonly tags: string[] }>>

// A plain ShouldBroadcast object with its own broadcastWith().
const pinged = {
  broadcastOn: () => 'pings',
  broadcastWith: () => ({ at: 1 }),
} satisfies ShouldBroadcast
export type FromObject = Expect<Equal<EventPayload<typeof pinged>, { at: number }>>

// Misuse fails to compile: a field the payload does not have.
export function readPayload(payload: EventPayload<typeof OrderShipped>): number {
  // @ts-expect-error -- trackingNumber is not part of OrderShipped's payload
  void payload.trackingNumber
  return payload.orderId
}
