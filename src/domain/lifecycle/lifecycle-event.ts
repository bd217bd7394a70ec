/**
 * What happens on the socket side that an application may want to hear of: Pusher's webhook events,
 * also delivered in-process to `fastify.herald.lifecycle.on(…)` listeners.
 */
export const LIFECYCLE_EVENT_NAMES = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
  'subscription_count',
] as const

/** The name of a lifecycle event (a Pusher webhook event type). */
export type LifecycleEventName = (typeof LIFECYCLE_EVENT_NAMES)[number]

interface ChannelEvent<N extends LifecycleEventName> {
  readonly name: N
  /** The app whose channel it is. */
  readonly appId: string
  readonly channel: string
}

/** A channel got its first subscriber (cluster-wide in a cluster). */
export type ChannelOccupiedEvent = ChannelEvent<'channel_occupied'>
/** A channel lost its last subscriber and nobody came back within the delay. */
export type ChannelVacatedEvent = ChannelEvent<'channel_vacated'>
/** A user's first connection joined a presence channel. */
export interface MemberAddedEvent extends ChannelEvent<'member_added'> {
  readonly userId: string
}
/** A user's last connection left a presence channel and the user did not come back within the delay. */
export interface MemberRemovedEvent extends ChannelEvent<'member_removed'> {
  readonly userId: string
}
/** A client sent a `client-*` event (Echo's whisper). */
export interface ClientEventEvent extends ChannelEvent<'client_event'> {
  /** The client event's name, e.g. `client-typing`. */
  readonly event: string
  /** Its data, as the client sent it (a string; JSON when the client sent an object). */
  readonly data: string
  readonly socketId: string
  /** The sender's user id, on presence channels. */
  readonly userId?: string | undefined
}
/** A client subscribed to a cache channel that had no cached event. */
export type CacheMissEvent = ChannelEvent<'cache_miss'>
/** A channel's subscription count changed (apps with `subscriptionCount: true`, non-presence channels). */
export interface SubscriptionCountEvent extends ChannelEvent<'subscription_count'> {
  readonly subscriptionCount: number
}

/** Any lifecycle event. */
export type LifecycleEvent =
  | ChannelOccupiedEvent
  | ChannelVacatedEvent
  | MemberAddedEvent
  | MemberRemovedEvent
  | ClientEventEvent
  | CacheMissEvent
  | SubscriptionCountEvent

/** The lifecycle event of one name. */
export type LifecycleEventOf<N extends LifecycleEventName> = Extract<LifecycleEvent, { name: N }>

/**
 * The observer port: hubs and the connection handler report lifecycle events here. Implementations
 * return at once and never throw, because callers are on the WebSocket path.
 */
export interface LifecycleObserver {
  observe(event: LifecycleEvent): void
}

/** An observer that ignores everything (no webhooks, no hooks). */
export const ignoreLifecycle: LifecycleObserver = { observe() {} }

/** True for a valid {@link LifecycleEventName}. */
export function isLifecycleEventName(name: unknown): name is LifecycleEventName {
  return typeof name === 'string' && (LIFECYCLE_EVENT_NAMES as readonly string[]).includes(name)
}

/** One event as Pusher's webhook body lists it (`{name, channel, …}` with snake_case fields). */
export function webhookEventJson(event: LifecycleEvent): Record<string, unknown> {
  const base = { name: event.name, channel: event.channel }
  switch (event.name) {
    case 'member_added':
    case 'member_removed':
      return { ...base, user_id: event.userId }
    case 'client_event':
      return event.userId === undefined
        ? { ...base, event: event.event, data: event.data, socket_id: event.socketId }
        : { ...base, event: event.event, data: event.data, socket_id: event.socketId, user_id: event.userId }
    case 'subscription_count':
      return { ...base, subscription_count: event.subscriptionCount }
    default:
      return base
  }
}
