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
  /** The queue name (Laravel's `broadcastQueue()`). @default the queue connection's default queue */
  broadcastQueue?(): string | undefined
  /** The queue connection (Laravel's `$connection`). @default the default queue connection */
  broadcastConnection?(): string | undefined
  /** Attempts in all when queued, as a property or a method. @default 1 */
  readonly tries?: number | (() => number)
  /** Seconds before each retry: one number, or a list whose last entry repeats. @default 0 */
  readonly backoff?: number | readonly number[] | (() => number | readonly number[])
  /** Seconds one queued attempt may take. @default no limit */
  readonly timeout?: number | (() => number)
}

/**
 * An event sent at once even when a queue is configured (Laravel's `ShouldBroadcastNow`). TypeScript
 * interfaces vanish at run time, so the marker is a property; declare it as a getter (as
 * {@link BroadcastNowEvent} does) so it stays out of the default payload.
 */
export interface ShouldBroadcastNow extends ShouldBroadcast {
  readonly shouldBroadcastNow: true
}

/** True for an event marked {@link ShouldBroadcastNow}. */
export function isShouldBroadcastNow(event: ShouldBroadcast): event is ShouldBroadcastNow {
  return (event as Partial<ShouldBroadcastNow>).shouldBroadcastNow === true
}

/** An event's `tries`, `backoff` and `timeout`, whether written as properties or as methods. */
export function queueSettingOf(event: ShouldBroadcast, key: 'tries' | 'backoff' | 'timeout'): unknown {
  const value: unknown = event[key]
  return typeof value === 'function' ? (value as () => unknown).call(event) : value
}

/** The one type guard for broadcastable events: does `broadcastOn` exist as a function? */
export function isShouldBroadcast(value: unknown): value is ShouldBroadcast {
  return typeof value === 'object' && value !== null && typeof (value as { broadcastOn?: unknown }).broadcastOn === 'function'
}
