import type { BroadcastMessage } from '../broadcasting/broadcast-message.js'

/**
 * The one interface every driver implements. `broadcast` never throws synchronously:
 * a failure rejects with a `BroadcastFailedError` naming the driver and the channels.
 */
export interface BroadcasterPort {
  broadcast(message: BroadcastMessage): Promise<void>
  /** Releases connections (Redis sockets, HTTP agents). Optional. */
  close?(): Promise<void>
}
