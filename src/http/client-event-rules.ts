import { channelKindOf } from '../domain/channels/channel-name.js'
import type { LifecycleObserver } from '../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import type { HeraldApp } from '../domain/realtime/herald-app.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'

const WINDOW_MS = 1000

/** What the rules read and count on a connection, whichever transport it came in on. */
export interface ClientEventSender {
  readonly app: Pick<HeraldApp, 'id' | 'clientEvents' | 'maxClientEventsPerSecond'>
  /** Channels the connection is on → its presence user id there (null on other channels). */
  readonly channels: ReadonlyMap<string, string | null>
  readonly subscriber: { readonly socketId: string }
  clientEventWindowAt: number
  clientEventCount: number
}

/**
 * Pusher's rules for a `client-*` event, shared by both transports: client events enabled for the app, a channel
 * the connection is on, private or presence only, at most the app's `maxClientEventsPerSecond` per connection
 * (counted here). Returns why it is refused, or null when it may be relayed.
 */
export function clientEventRefusal(sender: ClientEventSender, channel: string | undefined): string | null {
  if (!sender.app.clientEvents) return 'Client events are disabled for this app'
  if (channel === undefined || !sender.channels.has(channel)) return 'Client events need a channel the connection is subscribed to'
  const kind = channelKindOf(channel)
  if (kind !== 'private' && kind !== 'presence') return 'Client events are only allowed on private and presence channels'
  const now = Date.now()
  if (now - sender.clientEventWindowAt >= WINDOW_MS) {
    sender.clientEventWindowAt = now
    sender.clientEventCount = 0
  }
  const limit = sender.app.maxClientEventsPerSecond
  if (++sender.clientEventCount > limit) return `Client event rate limit of ${limit}/s exceeded`
  return null
}

/**
 * Relays an accepted client event to the channel's other subscribers (never back to the sender), with the sender's
 * `user_id` on presence channels, and reports it to the lifecycle observer (webhooks: sent by the server the client
 * is connected to, so a cluster sends it once).
 */
export function relayClientEvent(
  publisher: RealtimeHubPort,
  logger: LoggerPort,
  sender: ClientEventSender,
  event: { readonly channel: string; readonly name: string; readonly data: string },
  observer?: LifecycleObserver,
): void {
  const { channel, name, data } = event
  const userId = channelKindOf(channel) === 'presence' ? (sender.channels.get(channel) ?? undefined) : undefined
  const request = { appId: sender.app.id, channels: [channel], event: name, data, exceptSocketId: sender.subscriber.socketId, userId }
  publisher.publish(request).catch((err: unknown) => logger.error({ err, channel }, 'client event delivery failed'))
  observer?.observe({ name: 'client_event', appId: sender.app.id, channel, event: name, data, socketId: sender.subscriber.socketId, userId })
}
