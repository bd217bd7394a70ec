// The server's event class. The React page imports only its type (`import type`), so no server code reaches the bundle.
import { BroadcastEvent, PrivateChannel } from '../../src/index.js' // in your app: from 'herald'

export class OrderShipped extends BroadcastEvent {
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
    return 'OrderShipped'
  }

  override broadcastWith() {
    return { orderId: this.orderId, trackingNumber: this.trackingNumber, shippedAt: new Date() }
  }
}
