import type { PresenceMember } from './presence-member.js'

/**
 * What a {@link LocalRealtimeHub} tells the cluster about its own connections, so that presence
 * (member_added / member_removed once per user, the roster) and channel occupancy are cluster-wide.
 *
 * With this port set, the local hub no longer announces presence changes itself: the port records
 * every local join and leave in shared state and announces a member exactly when the user's first
 * connection anywhere in the cluster joins, or its last one leaves, through the cluster's own bus.
 *
 * The hub is given this port at construction and knows nothing else of the cluster; the cluster
 * side owns the hub and delivers to it (one direction of dependency, no circle).
 */
export interface ClusterStatePort {
  /**
   * A local connection was added to a channel (never called for a repeated subscribe).
   * On presence channels (`member` given) returns the roster to send the joiner with
   * `subscription_succeeded`, as `{"presence":{ids,hash,count}}`; the promise never rejects (when
   * shared state is unreachable it settles with what this process knows). Otherwise returns undefined.
   */
  subscribed(appId: string, channel: string, socketId: string, member?: PresenceMember): Promise<string> | undefined
  /** A local connection left a channel (unsubscribe or close); `userId` on presence channels. */
  unsubscribed(appId: string, channel: string, socketId: string, userId?: string): void
  /**
   * Connections of `appId` on the other live servers, as last shared (at most a heartbeat old), so an app's
   * `maxConnections` holds for the whole cluster. Optional: without it the limit counts this process only.
   */
  connectionsElsewhere?(appId: string): number
  /**
   * The users this server knows to be present on a presence channel across the cluster (its clients were sent
   * them), or undefined when it has no member there. Lets `maxPresenceMembers` count the cluster's members.
   */
  presentUsers?(appId: string, channel: string): ReadonlySet<string> | undefined
}
