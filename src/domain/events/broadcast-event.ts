import type { Channels } from '../channels/channel.js'
import { InvalidEventError } from '../errors.js'
import type { ShouldBroadcast, ShouldBroadcastNow } from './should-broadcast.js'

/**
 * Base class for broadcastable events, supplying Laravel's defaults; only `broadcastOn()` is left to write.
 *
 * - The name is the class name. Minifiers rename classes: build with `keepNames` (esbuild) or, better,
 *   override `broadcastAs()` with an explicit name.
 * - The payload is the event's own enumerable properties, made JSON-safe. TypeScript's `private` is only a
 *   compile-time marker and such fields are still broadcast: keep internal state in `#private` fields.
 *
 * @example
 * class OrderShipped extends BroadcastEvent {
 *   readonly orderId: number
 *   #audit = 'never broadcast'
 *   constructor(orderId: number) { super(); this.orderId = orderId }
 *   broadcastOn() { return new PrivateChannel(`orders.${this.orderId}`) }
 *   override broadcastAs() { return 'OrderShipped' }
 * }
 */
export abstract class BroadcastEvent implements ShouldBroadcast {
  abstract broadcastOn(): Channels

  /** @default the class name, see {@link defaultBroadcastName} */
  broadcastAs(): string {
    return defaultBroadcastName(this)
  }

  /** @default the own enumerable properties, see {@link defaultBroadcastPayload} */
  broadcastWith(): Record<string, unknown> {
    return defaultBroadcastPayload(this)
  }

  /** @default true */
  broadcastWhen(): boolean | Promise<boolean> {
    return true
  }

  /** @default undefined: the default connection */
  broadcastVia(): string | undefined {
    return undefined
  }

  /** @default undefined */
  broadcastQueue(): string | undefined {
    return undefined
  }
}

/**
 * A {@link BroadcastEvent} that is sent at once, never queued (Laravel's `ShouldBroadcastNow`).
 *
 * @example
 * class TypingStarted extends BroadcastNowEvent {
 *   broadcastOn() { return new PrivateChannel('chat.1') }
 *   override broadcastAs() { return 'TypingStarted' }
 * }
 */
export abstract class BroadcastNowEvent extends BroadcastEvent implements ShouldBroadcastNow {
  /** A getter on the prototype, so the marker is never part of the default payload. */
  get shouldBroadcastNow(): true {
    return true
  }
}

/**
 * The default event name: the event's class name. Used by {@link BroadcastEvent} and by the broadcasting
 * manager for any event without `broadcastAs()`. Throws {@link InvalidEventError} for a plain object or an
 * anonymous class, which have no usable name.
 */
export function defaultBroadcastName(event: object): string {
  const ctor = (event as { constructor?: unknown }).constructor
  const name = typeof ctor === 'function' ? ctor.name : ''
  if (name === '' || ctor === Object) {
    throw new InvalidEventError('cannot derive an event name from a plain object or an anonymous class; give the event a broadcastAs() method')
  }
  return name
}

/**
 * The default payload: the event's own enumerable properties (`Object.keys`), skipping functions, passed
 * through JSON so what is recorded equals what goes on the wire (a `Date` becomes its ISO string,
 * `undefined` values disappear). `#private` fields are never included. Throws {@link InvalidEventError}
 * naming the event and the property when a value cannot be serialized (a BigInt, a cycle).
 */
export function defaultBroadcastPayload(event: object): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  for (const key of Object.keys(event)) {
    const value = (event as Record<string, unknown>)[key]
    if (typeof value !== 'function') picked[key] = value
  }
  try {
    return JSON.parse(JSON.stringify(picked)) as Record<string, unknown>
  } catch (error) {
    const bad = Object.keys(picked).find((key) => !isSerializable(picked[key]))
    const label = typeof event.constructor === 'function' && event.constructor.name !== '' ? event.constructor.name : 'the event'
    const where = bad === undefined ? '' : ` (property '${bad}')`
    throw new InvalidEventError(`cannot serialize the payload of ${label}${where} to JSON; give it a broadcastWith() method`, { cause: error })
  }
}

function isSerializable(value: unknown): boolean {
  try {
    JSON.stringify(value)
    return true
  } catch {
    // Only used to name the culprit in the error above; the original error is kept as its cause.
    return false
  }
}
