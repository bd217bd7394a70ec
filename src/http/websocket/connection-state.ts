import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import type { WsSubscriber } from './ws-subscriber.js'

/**
 * What the handler knows about one live connection. Owned by the handler, never patched onto the socket.
 */
export interface ConnectionState {
  readonly subscriber: WsSubscriber
  readonly app: HeraldApp
  /** Subscribed channels → the presence user id it joined as (null for other channels). */
  readonly channels: Map<string, string | null>
  /** User id from `pusher:signin`, or null. */
  userId: string | null
  /** `user_info` from `pusher:signin`: the member info of presence subscriptions made without `channel_data`. */
  userInfo: unknown
  /** Last time any frame (or ws pong) arrived, ms. */
  lastSeenAt: number
  /** When the server sent `pusher:ping` after inactivity, or 0 if not waiting for an answer. */
  pingSentAt: number
  /** Start of the current one-second client-event window, ms, and how many events it has seen. */
  clientEventWindowAt: number
  clientEventCount: number
}
