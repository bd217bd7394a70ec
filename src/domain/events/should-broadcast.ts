import type { Channels } from '../channels/channel.js'

/**
 * The contract of a broadcastable event, named after Laravel's.
 * Only `broadcastOn()` is required; {@link BroadcastEvent} supplies the defaults.
 */
export interface ShouldBroadcast {
  /** The channels the event goes to: a wire name, a `Channel`, or a list of either. */
  broadcastOn(): Channels
  /** The event name on the wire. @default the class name */
  broadcastAs?(): string
  /** The payload. @default the event's own enumerable properties */
  broadcastWith?(): Record<string, unknown>
  /** Return false to skip the broadcast. May be async. @default true */
  broadcastWhen?(): boolean | Promise<boolean>
  /** The connection to broadcast through. @default the default connection */
  broadcastVia?(): string | undefined
  /** The queue name, kept on the message for a later queue integration. */
  broadcastQueue?(): string | undefined
}

/** The one type guard for broadcastable events: does `broadcastOn` exist as a function? */
export function isShouldBroadcast(value: unknown): value is ShouldBroadcast {
  return typeof value === 'object' && value !== null && typeof (value as { broadcastOn?: unknown }).broadcastOn === 'function'
}
