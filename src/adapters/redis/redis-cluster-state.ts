import type { ClusterStatePort } from '../../domain/realtime/cluster-state-port.js'
import type { PresenceMember } from '../../domain/realtime/presence-member.js'
import type { ClusterRosterSync } from './cluster-roster-sync.js'
import type { ClusterSession } from './cluster-session.js'

/**
 * The narrow port a {@link RedisClusterHub} gives its local hub: the local hub reports its
 * subscription changes here (recorded in Redis) and reads the cluster-wide limits from here
 * (other servers' connections, members present elsewhere). It holds no reference to the local hub.
 * Before the hub has started (no session), changes are not recorded; the first heartbeat's
 * reconcile writes what the presence store mirrors.
 */
export class RedisClusterState implements ClusterStatePort {
  readonly #rosters: ClusterRosterSync
  #session: ClusterSession | undefined

  constructor(rosters: ClusterRosterSync) {
    this.#rosters = rosters
  }

  /** Called once by the hub's `start()`, when the Redis connections exist. */
  attach(session: ClusterSession): void {
    this.#session = session
  }

  subscribed(appId: string, channel: string, socketId: string, member?: PresenceMember): Promise<string> | undefined {
    const s = this.#session
    if (s === undefined) return undefined
    s.occupancy.change(appId, channel, 1)
    if (member === undefined) return undefined
    return s.presence.join(appId, channel, socketId, member).then((roster) => {
      this.#rosters.toldRoster(s.presence, appId, channel, roster)
      return roster
    })
  }

  unsubscribed(appId: string, channel: string, socketId: string, userId?: string): void {
    const s = this.#session
    if (s === undefined) return
    s.occupancy.change(appId, channel, -1)
    if (userId === undefined) return
    s.presence.leave(appId, channel, socketId, userId)
    this.#rosters.left(s.presence, appId, channel)
  }

  connectionsElsewhere(appId: string): number {
    return this.#session?.connections.elsewhere(appId) ?? 0
  }

  presentUsers(appId: string, channel: string): ReadonlySet<string> | undefined {
    return this.#rosters.presentUsers(appId, channel)
  }
}
