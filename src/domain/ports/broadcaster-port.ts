import type { BroadcastMessage } from '../broadcasting/broadcast-message.js'

/**
 * The one interface every driver implements. `broadcast` never throws synchronously:
 * a failure rejects with a `BroadcastFailedError` naming the driver and the channels.
 */
export interface BroadcasterPort {
  broadcast(message: BroadcastMessage): Promise<void>
  /**
   * The connection's socket-id rule for `toOthers`, for a driver whose clients send ids of another
   * shape than Pusher's (`@ably/laravel-echo` sends base64url ids). Optional: without it the
   * `Broadcasting` manager applies Pusher's `digits.digits`. Must be pure and synchronous.
   */
  isValidSocketId?(socketId: string): boolean
  /** Releases connections (Redis sockets, HTTP agents). Optional. */
  close?(): Promise<void>
}
