import { useEcho } from '@laravel/echo-react'
import type { BroadcastDriver } from 'laravel-echo'
import { useState } from 'react'
import type { EventPayload } from '../domain/events/event-payload.js'

/** Which kind of channel to subscribe to; the name is given without the `private-`/`presence-` prefix. */
export type ChannelVisibility = 'public' | 'private' | 'presence'

/** Options of {@link useBroadcastEvents}. */
export interface UseBroadcastEventsOptions {
  /** @default 'private', as `useEcho`'s */
  readonly visibility?: ChannelVisibility
  /** How many of the latest events to keep; older ones are dropped. @default 100 */
  readonly max?: number
}

const DEFAULT_MAX = 100
const NONE: readonly never[] = []

/**
 * The events received on a channel, oldest first, as React state: the component re-renders on each one.
 * Built on `@laravel/echo-react`'s `useEcho`, so it shares that package's Echo (set up once with `configureEcho`)
 * and its reference-counted subscriptions. The event name is Herald's (`broadcastAs()`), taken as is: no
 * `App.Events` namespace, no leading dot needed. The list starts empty again when the channel, kind or event changes.
 *
 * `E` types the payload: an event class (`typeof OrderShipped`, through {@link EventPayload}) or a payload type.
 *
 * @example
 * const shipments = useBroadcastEvents<typeof OrderShipped>(`orders.${orderId}`, 'OrderShipped')
 * // shipments: Array<{ orderId: number; trackingNumber: string }>
 */
export function useBroadcastEvents<E = unknown>(channel: string, event: string, options: UseBroadcastEventsOptions = {}): ReadonlyArray<EventPayload<E>> {
  const visibility = options.visibility ?? 'private'
  const max = options.max ?? DEFAULT_MAX
  const key = `${visibility}:${channel}:${event}`
  const [received, setReceived] = useState<ReceivedEvents<EventPayload<E>>>({ key, items: NONE })
  useEcho<EventPayload<E>, BroadcastDriver, ChannelVisibility>(
    channel,
    echoEventName(event),
    (payload) => setReceived((state) => appendEvent(state, key, payload, max)),
    [key, max],
    visibility,
  )
  return received.key === key ? received.items : NONE
}

/** The hook's state: the events received for one subscription (`visibility:channel:event`). */
export interface ReceivedEvents<P> {
  readonly key: string
  readonly items: readonly P[]
}

/** Adds `payload` for subscription `key`, starting over when the key changed and keeping the last `max`. */
export function appendEvent<P>(state: ReceivedEvents<P>, key: string, payload: P, max: number): ReceivedEvents<P> {
  const previous = state.key === key ? state.items : NONE
  return { key, items: [...previous, payload].slice(-Math.max(1, max)) }
}

/** Echo prefixes names with its `App.Events` namespace unless they start with a dot; Herald's names are global. */
export function echoEventName(event: string): string {
  return event.startsWith('.') ? event : `.${event}`
}
