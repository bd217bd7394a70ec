import { ChannelEventCache, isCacheChannel } from './channel-event-cache.js'
import { ChannelSubscriptions } from './channel-subscriptions.js'
import type { ClusterStatePort } from './cluster-state-port.js'
import { channelKey as key } from './channel-key.js'
import { serialiseEventFrame } from './event-frame.js'
import type { AppStats, HubStats } from './hub-stats.js'
import type { PresenceMember } from './presence-member.js'
import { PresenceRoster } from './presence-roster.js'
import type { ChannelInfo, PublishRequest, RealtimeHubPort } from './realtime-hub-port.js'
import type { Subscriber } from './subscriber.js'
import { UserTies } from './user-ties.js'

/** Tuning and the two close codes the hub itself uses. */
export interface LocalRealtimeHubOptions {
  /** A subscriber with more than this many bytes queued is closed instead of queueing more. @default 1048576 */
  readonly maxBufferedBytes?: number
  /** Close code for a slow consumer (Pusher's 41xx "reconnect after backoff"). @default 4100 */
  readonly slowConsumerCloseCode?: number
  /** Close code for `terminate_connections`. @default 4009 */
  readonly terminatedCloseCode?: number
  /** How long a cache channel's last event is replayed, in ms. @default 1800000 (Pusher's 30 min) */
  readonly cacheTtlMs?: number
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number
  /**
   * Set when this hub is one server of a cluster: it is told of every subscription change and owns
   * presence announcements (member_added/member_removed once per user cluster-wide), so the hub
   * does not announce them itself. @default undefined (a single process)
   *
   * The relation is one-way: a cluster adapter owns its local hub (creates it with this port and
   * delivers to it), and the hub sees only this narrow port, never the cluster itself. So the hub is
   * complete from its constructor on (no later `attach`), and the domain never depends on an adapter.
   */
  readonly clusterState?: ClusterStatePort
}

/** What a subscribe changed. */
export interface SubscribeOutcome {
  /** False when the subscriber was already on the channel (a repeated subscribe). */
  readonly added: boolean
  /** For presence channels, the serialised `{presence:{…}}` roster for `subscription_succeeded`. */
  readonly roster?: string
  /** In a cluster, the cluster-wide roster to send instead of `roster` once it settles (never rejects). */
  readonly clusterRoster?: Promise<string>
}

const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024
const DEFAULT_SLOW_CONSUMER_CLOSE_CODE = 4100
const DEFAULT_TERMINATED_CLOSE_CODE = 4009
const DEFAULT_CACHE_TTL_MS = 30 * 60 * 1000

/**
 * The realtime hub of one process: its connections' subscriptions, presence rosters, cache
 * channels' last events (see {@link ChannelEventCache}) and users' connections (see {@link UserTies}).
 * `publish` serialises each frame once per channel and writes the same string to every subscriber
 * (except `exceptSocketId`).
 */
export class LocalRealtimeHub implements RealtimeHubPort {
  readonly #subscriptions = new ChannelSubscriptions()
  readonly #rosters = new Map<string, PresenceRoster>()
  readonly #cache: ChannelEventCache
  /** Connections per user (sign-ins and presence channels), for `terminateUser`. */
  readonly #users = new UserTies()
  readonly #connections = new Map<string, number>()
  readonly #maxBuffered: number
  readonly #slowCode: number
  readonly #terminatedCode: number
  readonly #cluster: ClusterStatePort | undefined
  /** In a cluster: presence subscriptions waiting for their roster (subscriber → app/channel keys). */
  readonly #pendingPresence = new Map<Subscriber, Set<string>>()
  #eventsPublished = 0
  #framesDelivered = 0
  #slowConsumersClosed = 0

  constructor(options: LocalRealtimeHubOptions = {}) {
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    this.#slowCode = options.slowConsumerCloseCode ?? DEFAULT_SLOW_CONSUMER_CLOSE_CODE
    this.#terminatedCode = options.terminatedCloseCode ?? DEFAULT_TERMINATED_CLOSE_CODE
    this.#cache = new ChannelEventCache(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, options.now ?? Date.now)
    this.#cluster = options.clusterState
  }

  /**
   * Counts a new connection; false (and not counted) when `max` connections are already open, here and (in a
   * cluster) on the other servers.
   */
  openConnection(appId: string, max: number | null): boolean {
    const open = this.#connections.get(appId) ?? 0
    if (max !== null && open + (this.#cluster?.connectionsElsewhere?.(appId) ?? 0) >= max) return false
    this.#connections.set(appId, open + 1)
    return true
  }

  /** Uncounts a connection opened with {@link openConnection}. */
  closeConnection(appId: string): void {
    const open = (this.#connections.get(appId) ?? 0) - 1
    if (open > 0) this.#connections.set(appId, open)
    else this.#connections.delete(appId)
  }

  /** Live connections of an app. */
  connectionCount(appId: string): number {
    return this.#connections.get(appId) ?? 0
  }

  /** This server's connections, channels and subscriptions per app, and its lifetime delivery counters. */
  metrics(): HubStats {
    const apps = new Map<string, AppStats>()
    const channels = this.#subscriptions.countsByApp()
    for (const appId of new Set([...this.#connections.keys(), ...channels.keys()])) {
      const c = channels.get(appId)
      apps.set(appId, { connections: this.#connections.get(appId) ?? 0, channels: c?.channels ?? 0, subscriptions: c?.subscriptions ?? 0 })
    }
    return { apps, eventsPublished: this.#eventsPublished, framesDelivered: this.#framesDelivered, slowConsumersClosed: this.#slowConsumersClosed }
  }

  /** Live connections per app (apps with none are absent); what a cluster shares with the other servers. */
  connectionCounts(): ReadonlyMap<string, number> {
    return this.#connections
  }

  /**
   * Adds `subscriber` to `channel`. On presence channels pass `member`: the first connection of a
   * user announces `member_added` to the channel's other subscribers.
   */
  subscribe(appId: string, channel: string, subscriber: Subscriber, member?: PresenceMember): SubscribeOutcome {
    if (member !== undefined && this.#cluster !== undefined) return this.#subscribeClusterPresence(this.#cluster, appId, channel, subscriber, member)
    const added = this.#subscriptions.add(appId, channel, subscriber)
    const clusterRoster = added ? this.#cluster?.subscribed(appId, channel, subscriber.socketId, member) : undefined
    if (member === undefined) return { added }
    const k = key(appId, channel)
    let roster = this.#rosters.get(k)
    if (roster === undefined) {
      roster = new PresenceRoster()
      this.#rosters.set(k, roster)
    }
    if (added) {
      this.#users.change(appId, member.userId, subscriber, 1)
      if (roster.join(member.userId, member.userInfo) && this.#cluster === undefined) {
        const data = member.userInfo === undefined ? { user_id: member.userId } : { user_id: member.userId, user_info: member.userInfo }
        this.#fanOut(appId, channel, serialiseEventFrame('pusher_internal:member_added', channel, JSON.stringify(data)), subscriber.socketId)
      }
    }
    return clusterRoster === undefined ? { added, roster: roster.serialised() } : { added, roster: roster.serialised(), clusterRoster }
  }

  /** Removes `subscriber` from `channel`; on presence channels pass the user id it joined as. */
  unsubscribe(appId: string, channel: string, subscriber: Subscriber, userId?: string): boolean {
    if (this.#pendingPresence.get(subscriber)?.delete(key(appId, channel)) === true) {
      // Left before its cluster roster arrived: it was never added here, but the cluster recorded it.
      if (this.#pendingPresence.get(subscriber)?.size === 0) this.#pendingPresence.delete(subscriber)
      this.#cluster?.unsubscribed(appId, channel, subscriber.socketId, userId)
      return true
    }
    if (!this.#subscriptions.remove(appId, channel, subscriber)) return false
    this.#cluster?.unsubscribed(appId, channel, subscriber.socketId, userId)
    if (userId === undefined) return true
    this.#users.change(appId, userId, subscriber, -1)
    const k = key(appId, channel)
    const roster = this.#rosters.get(k)
    if (roster?.leave(userId) === true) {
      if (roster.size === 0) this.#rosters.delete(k)
      if (this.#cluster !== undefined) return true
      const data = JSON.stringify({ user_id: userId })
      this.#fanOut(appId, channel, serialiseEventFrame('pusher_internal:member_removed', channel, data), subscriber.socketId)
    }
    return true
  }

  /**
   * A presence subscription in a cluster: the subscriber is added to the channel only once its
   * cluster roster has arrived, right before the caller sends `subscription_succeeded`. Otherwise a
   * member_added/member_removed from another server could reach it first and then be overwritten
   * by the (older) roster, leaving pusher-js with a wrong member list.
   */
  #subscribeClusterPresence(cluster: ClusterStatePort, appId: string, channel: string, subscriber: Subscriber, member: PresenceMember): SubscribeOutcome {
    const k = key(appId, channel)
    const pending = this.#pendingPresence.get(subscriber)
    if (pending?.has(k) === true || this.#subscriptions.subscribersOf(appId, channel)?.has(subscriber) === true) {
      return { added: false, roster: this.#rosters.get(k)?.serialised() ?? new PresenceRoster().serialised() }
    }
    if (pending === undefined) this.#pendingPresence.set(subscriber, new Set([k]))
    else pending.add(k)
    const joined = cluster.subscribed(appId, channel, subscriber.socketId, member) ?? Promise.resolve(new PresenceRoster().serialised())
    const clusterRoster = joined.then((rosterFromCluster) => {
      const stillPending = this.#pendingPresence.get(subscriber)
      if (stillPending?.delete(k) !== true) return rosterFromCluster
      if (stillPending.size === 0) this.#pendingPresence.delete(subscriber)
      this.#subscriptions.add(appId, channel, subscriber)
      this.#users.change(appId, member.userId, subscriber, 1)
      let roster = this.#rosters.get(k)
      if (roster === undefined) {
        roster = new PresenceRoster()
        this.#rosters.set(k, roster)
      }
      roster.join(member.userId, member.userInfo)
      return rosterFromCluster
    })
    return { added: true, roster: new PresenceRoster().serialised(), clusterRoster }
  }

  /**
   * Whether `userId` may join presence `channel` with at most `maxMembers` distinct members: a user
   * already present (another tab) always may. In a cluster it also counts the members on other servers that this
   * server knows of (see `ClusterStatePort.presentUsers`): a server with no member on the channel yet lets its
   * first joiner in, so concurrent first joins on several servers can overshoot by one each.
   */
  hasPresenceRoom(appId: string, channel: string, userId: string, maxMembers: number): boolean {
    const roster = this.#rosters.get(key(appId, channel))
    // In a cluster, the members on other servers count too (as far as this server was told of them).
    const cluster = this.#cluster?.presentUsers?.(appId, channel)
    if (roster?.has(userId) === true || cluster?.has(userId) === true) return true
    return Math.max(roster?.size ?? 0, cluster?.size ?? 0) < maxMembers
  }

  /** Records that `subscriber` signed in as `userId` (for `terminate_connections`). */
  signIn(appId: string, userId: string, subscriber: Subscriber): void {
    this.#users.change(appId, userId, subscriber, 1)
  }

  /** Forgets a sign-in recorded with {@link signIn} (on close). */
  signOut(appId: string, userId: string, subscriber: Subscriber): void {
    this.#users.change(appId, userId, subscriber, -1)
  }

  /** The last event published on a cache channel, as a frame, if still fresh. */
  cachedFrame(appId: string, channel: string): string | undefined {
    return this.#cache.frame(key(appId, channel))
  }

  /** Delivers one event to each channel's subscribers. Client events (`client-*`) are never cached. */
  async publish(request: PublishRequest): Promise<void> {
    const cacheable = !request.event.startsWith('client-')
    for (const channel of request.channels) {
      const frame = serialiseEventFrame(request.event, channel, request.data, request.userId)
      if (cacheable && isCacheChannel(channel)) this.#cache.remember(key(request.appId, channel), frame)
      this.#fanOut(request.appId, channel, frame, request.exceptSocketId)
    }
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelInfo>> {
    const result = new Map<string, ChannelInfo>()
    for (const [name] of this.#subscriptions.channelsOf(appId)) {
      if (prefix === undefined || name.startsWith(prefix)) result.set(name, this.#info(appId, name))
    }
    return result
  }

  async channel(appId: string, channel: string): Promise<ChannelInfo> {
    return this.#info(appId, channel)
  }

  async presenceUsers(appId: string, channel: string): Promise<string[]> {
    return this.#rosters.get(key(appId, channel))?.userIds() ?? []
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    const subscribers = this.#users.subscribersOf(appId, userId)
    if (subscribers === undefined) return
    for (const s of [...subscribers.keys()]) s.close(this.#terminatedCode, 'Connection terminated by the app')
  }

  /** Sizes of the internal maps, for leak tests. */
  stats(): { apps: number; rosters: number; users: number; cached: number } {
    return { apps: this.#subscriptions.appCount, rosters: this.#rosters.size, users: this.#users.size, cached: this.#cache.size }
  }

  #info(appId: string, channel: string): ChannelInfo {
    const count = this.#subscriptions.count(appId, channel)
    const roster = this.#rosters.get(key(appId, channel))
    const base = { occupied: count > 0, subscriptionCount: count }
    return roster === undefined ? base : { ...base, userCount: roster.size }
  }

  #fanOut(appId: string, channel: string, frame: string, exceptSocketId: string | undefined): void {
    this.#eventsPublished++
    const subscribers = this.#subscriptions.subscribersOf(appId, channel)
    if (subscribers === undefined) return
    let sent = 0
    for (const s of subscribers) {
      if (s.socketId === exceptSocketId) continue
      // A consumer that cannot keep up is told to reconnect later rather than buffering without bound.
      if (s.bufferedAmount > this.#maxBuffered) {
        this.#slowConsumersClosed++
        s.close(this.#slowCode, 'Over capacity: the client is not reading fast enough')
      } else {
        s.send(frame)
        sent++
      }
    }
    this.#framesDelivered += sent
  }
}
