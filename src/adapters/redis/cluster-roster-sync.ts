import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { PublishRequest } from '../../domain/realtime/realtime-hub-port.js'
import type { ClusterPresenceStore } from './cluster-presence-store.js'
import { isPresence, MEMBER_ADDED, MEMBER_REMOVED, rosterKey, type ClusterSession } from './cluster-session.js'

/** Inputs of {@link ClusterRosterSync}. */
export interface ClusterRosterSyncOptions {
  /** Delivers an event to this server's connections only (and reports it back through {@link ClusterRosterSync.noteDelivered}). */
  readonly deliverLocally: (request: PublishRequest) => void
  /** How long after a re-subscribe every live server has re-registered its members: the heartbeat TTL plus one beat. */
  readonly settleMs: number
  readonly logger: LoggerPort
}

/**
 * What this server's clients were told about each presence channel's members, and its repair after
 * the subscription to Redis was down: announcements published meanwhile are lost for good (pub/sub is
 * fire-and-forget), so the rosters are re-read from Redis and the clients are sent the difference.
 */
export class ClusterRosterSync {
  readonly #deliverLocally: (request: PublishRequest) => void
  readonly #settleMs: number
  readonly #logger: LoggerPort
  /**
   * Per local presence channel (app \0 channel), the users this server's clients were last told are
   * present (rosters handed to joiners, member_added/member_removed delivered here).
   */
  readonly #told = new Map<string, Set<string>>()
  /** Counts presence events delivered here, so a resync can tell one raced its read of Redis. */
  #presenceEvents = 0
  /** When (epoch ms) the pending full roster resync (additions and removals) may run; undefined if none. */
  #resyncAt: number | undefined

  constructor(options: ClusterRosterSyncOptions) {
    this.#deliverLocally = options.deliverLocally
    this.#settleMs = options.settleMs
    this.#logger = options.logger
  }

  /** The users this server's clients were told are present on a channel; undefined when none of them is there. */
  presentUsers(appId: string, channel: string): ReadonlySet<string> | undefined {
    return this.#told.get(rosterKey(appId, channel))
  }

  /** Records the roster a local joiner was sent (`{"presence":{ids,…}}`) as told. */
  toldRoster(presence: ClusterPresenceStore, appId: string, channel: string, roster: string): void {
    if (!presence.hasLocal(appId, channel)) return
    let ids: unknown
    try {
      ids = (JSON.parse(roster) as { presence?: { ids?: unknown } }).presence?.ids
    } catch {
      ids = undefined
    }
    if (!Array.isArray(ids)) return
    const told = this.#toldSet(appId, channel)
    for (const id of ids) if (typeof id === 'string') told.add(id)
  }

  /** A local presence connection left: once none is left on the channel, nobody here is told anything of it. */
  left(presence: ClusterPresenceStore, appId: string, channel: string): void {
    if (!presence.hasLocal(appId, channel)) this.#told.delete(rosterKey(appId, channel))
  }

  /** Keeps the told rosters in step with an event delivered to this server's clients (only presence events count). */
  noteDelivered(presence: ClusterPresenceStore | undefined, request: PublishRequest): void {
    const added = request.event === MEMBER_ADDED
    if (!added && request.event !== MEMBER_REMOVED) return
    const channel = request.channels[0]
    if (presence === undefined || channel === undefined || !isPresence(channel)) return
    this.#presenceEvents++
    if (!presence.hasLocal(request.appId, channel)) return
    let userId: unknown
    try {
      userId = (JSON.parse(request.data) as { user_id?: unknown }).user_id
    } catch {
      userId = undefined
    }
    if (typeof userId !== 'string') return
    const told = this.#toldSet(request.appId, channel)
    if (added) told.add(userId)
    else told.delete(userId)
  }

  /**
   * The subscription is live again after a (re)connect, and another server may have re-registered
   * its members and announced them before this one re-subscribed. Additions are sent at once (a user
   * in Redis is really there); the full diff with removals waits {@link ClusterRosterSyncOptions.settleMs},
   * until every live server has re-registered its members (after Redis restarted empty, a member not
   * yet re-registered would otherwise be removed and re-added). The heartbeat runs and retries it.
   */
  resubscribed(s: ClusterSession): void {
    this.#resyncAt = Date.now() + this.#settleMs
    if (s.store.status === 'ready') this.#resync(s, false).catch((err: unknown) => this.#logger.error({ err }, 'herald cluster: roster resync failed'))
  }

  /** Runs the full resync when it is due; called by the heartbeat, which retries an incomplete one next beat. */
  async runDue(s: ClusterSession): Promise<void> {
    if (this.#resyncAt === undefined || Date.now() < this.#resyncAt) return
    this.#resyncAt = undefined
    if (!(await this.#resync(s, true))) this.#resyncAt = Date.now()
  }

  /**
   * Sends this server's clients `member_added`/`member_removed` for the difference between what
   * they were told and the cluster roster in Redis (plus this server's own members, which are
   * present whatever Redis says). Once per user, never to the member's own socket. Returns false
   * when a channel could not be compared (Redis error, or a presence event raced the read).
   */
  async #resync(s: ClusterSession, removals: boolean): Promise<boolean> {
    let complete = true
    for (const { appId, channel } of s.presence.localChannels()) {
      const before = this.#presenceEvents
      let cluster: Map<string, unknown>
      try {
        cluster = await s.presence.clusterMembers(appId, channel)
      } catch (err) {
        this.#logger.debug({ err, channel }, 'herald cluster: roster resync could not read redis')
        return false
      }
      // An event delivered meanwhile may be newer than the read: compare on a later pass instead.
      if (before !== this.#presenceEvents) {
        complete = false
        continue
      }
      const local = s.presence.localMembers(appId, channel)
      if (local.size === 0) continue
      const told = this.#told.get(rosterKey(appId, channel)) ?? new Set<string>()
      const present = new Set([...cluster.keys(), ...local.keys()])
      for (const userId of present) {
        if (told.has(userId)) continue
        const own = local.get(userId)
        const info = own !== undefined ? own.userInfo : cluster.get(userId)
        const data = info === undefined || info === null ? { user_id: userId } : { user_id: userId, user_info: info }
        this.#deliverLocally({ appId, channels: [channel], event: MEMBER_ADDED, data: JSON.stringify(data), exceptSocketId: own?.socketId })
      }
      if (!removals) continue
      for (const userId of [...told]) {
        if (!present.has(userId)) this.#deliverLocally({ appId, channels: [channel], event: MEMBER_REMOVED, data: JSON.stringify({ user_id: userId }) })
      }
    }
    return complete
  }

  #toldSet(appId: string, channel: string): Set<string> {
    const k = rosterKey(appId, channel)
    let told = this.#told.get(k)
    if (told === undefined) {
      told = new Set()
      this.#told.set(k, told)
    }
    return told
  }
}
