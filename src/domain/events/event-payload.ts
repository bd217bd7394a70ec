import type { ShouldBroadcast } from './should-broadcast.js'

/** A value as it arrives after `JSON.stringify` and `JSON.parse`: a `Date` becomes its ISO string, functions vanish. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends { toJSON(): infer J }
    ? Jsonified<J>
    : T extends ReadonlyArray<infer U>
      ? Array<Jsonified<U>>
      : T extends object
        ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Jsonified<T[K]> }
        : T

/** The event instance behind an event class (`typeof OrderShipped`) or the instance type itself. */
type EventInstance<E> = E extends abstract new (...args: never[]) => infer I ? I : E

/** `broadcastWith()`'s declared type, or `never` when the event keeps the default (a `Record<string, unknown>`). */
type DeclaredPayload<I> = I extends { broadcastWith(): infer P } ? (string extends keyof P ? never : P) : never

/**
 * The payload a client receives for an event, from the event class alone: `broadcastWith()`'s return type when
 * the event declares one, else (BroadcastEvent's default) the event's public fields that are not methods, in
 * both cases as they arrive through JSON. Import it with `import type`, so client bundles load nothing of Herald.
 *
 * @example
 * import type { EventPayload } from 'herald'
 * import type { OrderShipped } from '../server/events/order-shipped.js'
 * type Shipped = EventPayload<typeof OrderShipped> // { orderId: string }
 */
export type EventPayload<E> =
  EventInstance<E> extends infer I
    ? [DeclaredPayload<I>] extends [never]
      ? Jsonified<Omit<I, keyof ShouldBroadcast>>
      : Jsonified<DeclaredPayload<I>>
    : never
