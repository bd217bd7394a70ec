/** One event to deliver to the subscribers of one or more channels of an app. */
export interface PublishRequest {
  readonly appId: string
  readonly channels: readonly string[]
  readonly event: string
  /** The event's `data` exactly as it goes on the wire: a JSON string (never re-parsed). */
  readonly data: string
  /** A socket id to skip (`toOthers`, `socket_id` in the HTTP API, the sender of a client event). */
  readonly exceptSocketId?: string | undefined
  /** For client events on presence channels: the sender's user id, added as `user_id`. */
  readonly userId?: string | undefined
}

/** What the HTTP API reports about one channel. */
export interface ChannelInfo {
  readonly occupied: boolean
  readonly subscriptionCount: number
  /** Distinct users, for presence channels only. */
  readonly userCount?: number
}

/**
 * What the HTTP API and the drivers need from the server's connections: deliver, query, terminate.
 * One process implements it over its own sockets; the cluster implements it over Redis.
 */
export interface RealtimeHubPort {
  publish(request: PublishRequest): Promise<void>
  /** Occupied channels, optionally only those whose name starts with `prefix`. */
  channels(appId: string, prefix?: string): Promise<Map<string, ChannelInfo>>
  channel(appId: string, channel: string): Promise<ChannelInfo>
  /** Distinct user ids present on a presence channel. */
  presenceUsers(appId: string, channel: string): Promise<string[]>
  /** Closes every connection signed in (or present) as `userId`. */
  terminateUser(appId: string, userId: string): Promise<void>
}
