import { channelKindOf } from '../../domain/channels/channel-name.js'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { PusherCloseCode } from './close-codes.js'
import type { ConnectionState } from './connection-state.js'
import { errorFrame, type ClientFrame } from './frames.js'

const WINDOW_MS = 1000

/**
 * A `client-*` event (Echo's whisper): relayed to the channel's other subscribers, never echoed,
 * with the sender's `user_id` on presence channels, at most the app's `maxClientEventsPerSecond` per connection. Refusals are `pusher:error` 4301; the socket stays open.
 */
export function handleClientEvent(publisher: RealtimeHubPort, logger: LoggerPort, state: ConnectionState, frame: ClientFrame, observer?: LifecycleObserver): void {
  const reject = (message: string): void => state.subscriber.send(errorFrame(PusherCloseCode.ClientEventRejected, message))
  const channel = frame.channel
  if (!state.app.clientEvents) return reject('Client events are disabled for this app')
  if (channel === undefined || !state.channels.has(channel)) return reject('Client events need a channel the connection is subscribed to')
  const kind = channelKindOf(channel)
  if (kind !== 'private' && kind !== 'presence') return reject('Client events are only allowed on private and presence channels')
  const now = Date.now()
  if (now - state.clientEventWindowAt >= WINDOW_MS) {
    state.clientEventWindowAt = now
    state.clientEventCount = 0
  }
  const limit = state.app.maxClientEventsPerSecond
  if (++state.clientEventCount > limit) return reject(`Client event rate limit of ${limit}/s exceeded`)
  // Pusher's wire format wants data as a string; pusher-js sends an object, so it is stringified once here.
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data ?? {})
  const userId = kind === 'presence' ? (state.channels.get(channel) ?? undefined) : undefined
  const request = { appId: state.app.id, channels: [channel], event: frame.event, data, exceptSocketId: state.subscriber.socketId, userId }
  publisher.publish(request).catch((err: unknown) => logger.error({ err, channel }, 'client event delivery failed'))
  // Reported by the server the client is connected to, so a cluster sends its webhook once.
  observer?.observe({ name: 'client_event', appId: state.app.id, channel, event: frame.event, data, socketId: state.subscriber.socketId, userId })
}
