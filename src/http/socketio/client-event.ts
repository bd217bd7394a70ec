import { channelKindOf } from '../../domain/channels/channel-name.js'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { PusherCloseCode } from '../websocket/close-codes.js'
import { SocketIoNotice, type SocketIoConnection } from './socket-io-connection.js'

const WINDOW_MS = 1000
const CLIENT_EVENT_PREFIX = 'client-'
const MAX_EVENT_NAME = 200

/**
 * Echo's whisper, `client event` `{channel, event, data}`: relayed to the channel's other subscribers (Pusher and
 * Socket.IO alike) under the Pusher rules: a `client-` event on a private or presence channel the socket is on,
 * client events enabled, at most 10 a second, data within the app's message size. Refusals are
 * `client_event_error`; the socket stays connected.
 */
export function handleClientEvent(publisher: RealtimeHubPort, logger: LoggerPort, state: SocketIoConnection, payload: unknown, observer?: LifecycleObserver): void {
  const { channel, event, data } = (typeof payload === 'object' && payload !== null ? payload : {}) as { channel?: unknown; event?: unknown; data?: unknown }
  const reject = (error: string): void => {
    state.socket.emit(SocketIoNotice.ClientEventError, typeof channel === 'string' ? channel : null, { error, code: PusherCloseCode.ClientEventRejected })
  }
  if (typeof channel !== 'string' || typeof event !== 'string') return reject('client event needs {channel: string, event: string, data}')
  if (!state.app.clientEvents) return reject('Client events are disabled for this app')
  if (!event.startsWith(CLIENT_EVENT_PREFIX) || event.length > MAX_EVENT_NAME) return reject(`Client events must be named client-… (at most ${MAX_EVENT_NAME} characters)`)
  if (!state.channels.has(channel)) return reject('Client events need a channel the connection is subscribed to')
  const kind = channelKindOf(channel)
  if (kind !== 'private' && kind !== 'presence') return reject('Client events are only allowed on private and presence channels')
  const now = Date.now()
  if (now - state.clientEventWindowAt >= WINDOW_MS) {
    state.clientEventWindowAt = now
    state.clientEventCount = 0
  }
  const limit = state.app.maxClientEventsPerSecond
  if (++state.clientEventCount > limit) return reject(`Client event rate limit of ${limit}/s exceeded`)
  const json = JSON.stringify(data ?? {})
  if (Buffer.byteLength(json) > state.app.maxMessageSize) return reject(`Client event data is over ${state.app.maxMessageSize} bytes`)
  const userId = kind === 'presence' ? (state.channels.get(channel) ?? undefined) : undefined
  const request = { appId: state.app.id, channels: [channel], event, data: json, exceptSocketId: state.subscriber.socketId, userId }
  publisher.publish(request).catch((err: unknown) => logger.error({ err, channel }, 'client event delivery failed'))
  observer?.observe({ name: 'client_event', appId: state.app.id, channel, event, data: json, socketId: state.subscriber.socketId, userId })
}
