import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { clientEventRefusal, relayClientEvent } from '../client-event-rules.js'
import { PusherCloseCode } from '../websocket/close-codes.js'
import { SocketIoNotice, type SocketIoConnection } from './socket-io-connection.js'

const CLIENT_EVENT_PREFIX = 'client-'
const MAX_EVENT_NAME = 200

/**
 * Echo's whisper, `client event` `{channel, event, data}`: relayed to the channel's other subscribers (Pusher and
 * Socket.IO alike) under the Pusher rules: a `client-` event on a private or presence channel the socket is on,
 * client events enabled, at most the app's maxClientEventsPerSecond, data within its message size. Refusals are
 * `client_event_error`; the socket stays connected.
 */
export function handleClientEvent(publisher: RealtimeHubPort, logger: LoggerPort, state: SocketIoConnection, payload: unknown, observer?: LifecycleObserver): void {
  const { channel, event, data } = (typeof payload === 'object' && payload !== null ? payload : {}) as { channel?: unknown; event?: unknown; data?: unknown }
  const reject = (error: string): void => {
    state.socket.emit(SocketIoNotice.ClientEventError, typeof channel === 'string' ? channel : null, { error, code: PusherCloseCode.ClientEventRejected })
  }
  if (typeof channel !== 'string' || typeof event !== 'string') return reject('client event needs {channel: string, event: string, data}')
  if (!event.startsWith(CLIENT_EVENT_PREFIX) || event.length > MAX_EVENT_NAME) return reject(`Client events must be named client-… (at most ${MAX_EVENT_NAME} characters)`)
  const refusal = clientEventRefusal(state, channel)
  if (refusal !== null) return reject(refusal)
  const json = JSON.stringify(data ?? {})
  if (Buffer.byteLength(json) > state.app.maxMessageSize) return reject(`Client event data is over ${state.app.maxMessageSize} bytes`)
  relayClientEvent(publisher, logger, state, { channel, name: event, data: json }, observer)
}
