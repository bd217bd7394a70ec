/**
 * The one value that crosses {@link BroadcasterPort}: what to send, where, and to whom not.
 * Channel names are wire names (`private-orders.1`), already validated.
 */
export interface BroadcastMessage {
  /** Wire channel names, e.g. `orders`, `private-user.1`, `presence-chat.1`. */
  readonly channels: readonly string[]
  /** The event name clients listen for (`OrderShipped`, or `.OrderShipped` in Echo). */
  readonly event: string
  /** JSON-safe payload; serialised once per event by whoever sends it over the wire. */
  readonly payload: unknown
  /** Socket id to exclude (`toOthers`); never part of the payload. */
  readonly socketId?: string | undefined
  /** Queue name from `broadcastQueue()`, kept for a later queue integration. */
  readonly queue?: string | undefined
}
