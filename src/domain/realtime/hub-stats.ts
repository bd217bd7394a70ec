/** What one app has on this server right now. */
export interface AppStats {
  readonly connections: number
  /** Channels with at least one subscriber. */
  readonly channels: number
  /** Channel subscriptions (a socket on three channels counts three). */
  readonly subscriptions: number
}

/**
 * A snapshot of one server's realtime state and lifetime counters, for metrics. Gauges are per app;
 * counters only grow while the process lives.
 */
export interface HubStats {
  readonly apps: ReadonlyMap<string, AppStats>
  /** Events published to a channel here (one event on three channels counts three), member events included. */
  readonly eventsPublished: number
  /** Frames handed to sockets by those publishes. */
  readonly framesDelivered: number
  /** Sockets closed (4100) because they did not read fast enough. */
  readonly slowConsumersClosed: number
}
