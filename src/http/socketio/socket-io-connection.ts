import type { Socket } from 'socket.io'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import type { SocketIoSubscriber } from './socket-io-subscriber.js'

/** What the Socket.IO handler knows about one live client. Owned by the handler, not patched onto the socket. */
export interface SocketIoConnection {
  readonly socket: Socket
  readonly subscriber: SocketIoSubscriber
  readonly app: HeraldApp
  /** Subscribed channels → the presence user id it joined as (null for other channels). */
  readonly channels: Map<string, string | null>
  /** Channels whose auth request is in flight; an unsubscribe meanwhile drops the answer. */
  readonly authorizing: Set<string>
  /** Start of the current one-second client-event window, ms, and how many whispers it has seen. */
  clientEventWindowAt: number
  clientEventCount: number
}

/** Events Herald sends Socket.IO clients besides channel events (Echo's socket.io connector ignores them). */
export const SocketIoNotice = {
  /** `(channel, {type, error, status})`: a subscription was refused; the socket stays connected. */
  SubscriptionError: 'subscription_error',
  /** `(channel, {error, code})`: a whisper (`client event`) was refused. */
  ClientEventError: 'client_event_error',
} as const
