import type { AppCredentials } from '../auth/pusher-signature.js'
import type { WebhookTarget } from '../lifecycle/webhook-target.js'

/**
 * One Pusher "app" served by a Herald server: its credentials and per-app limits.
 * Built from config (`BROADCAST_APP_ID`, `BROADCAST_APP_KEY`, `BROADCAST_APP_SECRET`, …).
 */
export interface HeraldApp extends AppCredentials {
  /** The app id used by the HTTP API (`/apps/:appId/...`). */
  readonly id: string
  /** Whether `client-*` events are relayed on private and presence channels. @default true */
  readonly clientEvents: boolean
  /** Most concurrent connections for this app; `null` for no limit. @default null */
  readonly maxConnections: number | null
  /** Largest WebSocket frame accepted from a client, in bytes. @default 10000 */
  readonly maxMessageSize: number
  /** Largest event `data` accepted by the HTTP API, in bytes. @default 10240 */
  readonly maxEventPayloadSize: number
  /** Origins allowed to open WebSockets; `['*']` allows any. @default ['*'] */
  readonly allowedOrigins: readonly string[]
  /** Seconds of client silence before the server pings (sent as `activity_timeout`). @default 30 */
  readonly activityTimeout: number
  /** Base64 master key for `private-encrypted-` channels; `null` disables them. @default null */
  readonly encryptionMasterKey: string | null
  /** Most distinct members (users, not tabs) of one presence channel, as Pusher limits it. @default 100 */
  readonly maxPresenceMembers: number
  /** Largest presence `user_info`, in bytes of its JSON, as Pusher limits it (1 KB). @default 1024 */
  readonly maxPresenceMemberSize: number
  /** Webhook targets told of lifecycle events (channel_occupied, member_added, …). @default [] */
  readonly webhooks?: readonly WebhookTarget[]
  /** Whether subscribers of non-presence channels get `pusher:subscription_count`. @default false */
  readonly subscriptionCount?: boolean
  /** `client-*` events one connection may send per second; more are refused with 4301. @default 10 */
  readonly maxClientEventsPerSecond: number
  /** HTTP API requests per second for the app (429 past it); `null` for no limit. @default null */
  readonly maxApiRequestsPerSecond: number | null
  /** New connections per second from one IP address (refused with 4100 past it); `null` for no limit. @default null */
  readonly maxConnectionsPerIpPerSecond: number | null
}

/** Finds apps by id (HTTP API) or by key (WebSocket URL). */
export interface AppLookup {
  byId(id: string): HeraldApp | undefined
  byKey(key: string): HeraldApp | undefined
}
