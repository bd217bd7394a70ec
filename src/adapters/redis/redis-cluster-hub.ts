import { randomUUID } from 'node:crypto'
import { InvalidConfigError } from '../../domain/errors.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import type { ClusterStatePort } from '../../domain/realtime/cluster-state-port.js'
import type { PresenceMember } from '../../domain/realtime/local-realtime-hub.js'
import type { ChannelInfo, PublishRequest, RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { ClusterConnectionCounts } from './cluster-connection-counts.js'
import { ClusterKeys } from './cluster-keys.js'
import { ClusterOccupancy } from './cluster-occupancy.js'
import { ClusterPresenceStore } from './cluster-presence-store.js'
import { ClusterSubscriptionBus } from './cluster-subscription-bus.js'
import { closeRedisClient, createRedisClient, whenReady, withTimeout, type RedisClient } from './redis-connection.js'
import { decodeRedisMessage, encodeRedisMessage } from './redis-message.js'
import type { RedisOptions } from './redis-options.js'

/** Options of {@link RedisClusterHub}. */
export interface RedisClusterHubOptions {
  readonly redis: RedisOptions
  /**
   * The app that receives messages carrying no Herald app id: those of the redis driver and of a
   * Laravel app's own redis broadcaster (their format has no app id).
   */
  readonly defaultAppId: string
  /** This server's id in Redis. @default a random UUID */
  readonly serverId?: string
  /** How often the server refreshes its heartbeat and looks for dead servers, in ms. @default redis.heartbeatMs ?? 1000 */
  readonly heartbeatMs?: number
  /**
   * How long a heartbeat lives, in ms. A server killed without warning has its presence members
   * removed (with `member_removed`) within `serverTtlMs + heartbeatMs` plus a round trip. @default redis.serverTtlMs ?? 3000
   */
  readonly serverTtlMs?: number
  readonly logger?: LoggerPort
  /** This server's rate-limit counts of its last full second, shared every heartbeat (see `ratesElsewhere`). */
  readonly rateCounts?: () => ReadonlyMap<string, number>
}

/** What `GET /up` reports about the cluster. */
export interface ClusterHealth {
  readonly driver: 'redis'
  readonly serverId: string
  /** Commands (publish, presence, queries) reach Redis. */
  readonly connected: boolean
  /** The pattern subscription is live, so events published anywhere reach this server. */
  readonly subscribed: boolean
}

interface Started {
  readonly store: RedisClient
  readonly bus: ClusterSubscriptionBus
  readonly presence: ClusterPresenceStore
  readonly occupancy: ClusterOccupancy
  readonly connections: ClusterConnectionCounts
  readonly rates: ClusterConnectionCounts
  readonly timer: NodeJS.Timeout
}

/** The local hub as the cluster needs it: a publisher, and (optionally) its connection counts per app. */
export type ClusterLocalHub = RealtimeHubPort & { connectionCounts?(): ReadonlyMap<string, number> }

/** Longest `start()` waits for Redis before serving without it (it keeps trying in the background). */
const START_WAIT_MS = 3000

/** Longest a dead server's removal is left to the server that claimed it before another retries. */
const REAP_CLAIM_MS = 30_000

/**
 * Many Herald servers as one, over Redis. Publishing goes ONLY through Redis (PUBLISH in Laravel's
 * format on `prefix + channel`); every server, this one included, delivers to its own connections
 * when the message comes back through its pattern subscription, so each subscriber gets an event
 * exactly once whichever server or process published it.
 *
 * Presence rosters, channel occupancy and `terminateUser` are cluster-wide. While Redis is
 * unreachable the server keeps going on its own (local delivery, local rosters and counts) and
 * repairs the shared state by itself when Redis is back.
 *
 * Wiring: create it, give it to the `LocalRealtimeHub` as its `clusterState`, then `start(local)`.
 */
export class RedisClusterHub implements RealtimeHubPort, ClusterStatePort {
  readonly #options: RedisOptions
  readonly #rateCounts: (() => ReadonlyMap<string, number>) | undefined
  readonly #defaultAppId: string
  readonly #serverId: string
  readonly #heartbeatMs: number
  readonly #serverTtlMs: number
  readonly #logger: LoggerPort
  readonly #keys: ClusterKeys
  #local: ClusterLocalHub | undefined
  #started: Started | undefined
  #closed = false
  #beating = false
  #reconcileWanted = true
  #outageLogged = false
  /**
   * Per local presence channel (app \0 channel), the users this server's clients were last told are
   * present (rosters handed to joiners, member_added/member_removed delivered here). Compared with
   * Redis after a re-subscribe, because announcements published while this server was not
   * subscribed are lost for good.
   */
  readonly #told = new Map<string, Set<string>>()
  /** Counts presence events delivered here, so a resync can tell one raced its read of Redis. */
  #presenceEvents = 0
  /** When (epoch ms) the pending full roster resync (additions and removals) may run; undefined if none. */
  #resyncAt: number | undefined

  constructor(options: RedisClusterHubOptions) {
    this.#options = options.redis
    this.#rateCounts = options.rateCounts
    this.#defaultAppId = options.defaultAppId
    this.#serverId = options.serverId ?? randomUUID()
    this.#heartbeatMs = options.heartbeatMs ?? options.redis.heartbeatMs ?? 1000
    this.#serverTtlMs = options.serverTtlMs ?? options.redis.serverTtlMs ?? 3000
    if (this.#serverTtlMs <= this.#heartbeatMs) {
      throw new InvalidConfigError([
        { path: 'serverTtlMs', message: `must exceed heartbeatMs (${this.#heartbeatMs}), or live servers would be taken for dead (got ${this.#serverTtlMs})` },
      ])
    }
    this.#logger = options.logger ?? nullLogger
    this.#keys = new ClusterKeys(options.redis.prefix)
  }

  /** This server's id in Redis. */
  get serverId(): string {
    return this.#serverId
  }

  /**
   * Connects, subscribes and registers this server. Waits at most `timeoutMs` (and 3 s) for Redis: a server
   * may start while Redis is down and joins the cluster by itself once Redis is reachable.
   */
  async start(local: ClusterLocalHub): Promise<void> {
    if (this.#started !== undefined) throw new Error('RedisClusterHub.start() was already called')
    this.#local = local
    const store = await createRedisClient(this.#options, { name: 'store', offlineQueue: false }, this.#logger)
    const bus = new ClusterSubscriptionBus(
      this.#options,
      this.#keys.control,
      {
        onBroadcast: (channel, raw) => this.#deliver(channel, raw),
        onControl: (raw) => this.#control(raw),
        onSubscribed: () => this.#resubscribed(),
      },
      this.#logger,
    )
    const presence = new ClusterPresenceStore({
      client: store,
      keys: this.#keys,
      serverId: this.#serverId,
      logger: this.#logger,
      announce: (appId, channel, event, data, except) =>
        void this.publish({ appId, channels: [channel], event, data, exceptSocketId: except }).catch((err: unknown) =>
          this.#logger.error({ err, channel, event }, 'herald cluster: presence announcement failed'),
        ),
      announceLocally: (appId, channel, event, data, except) => this.#publishLocally({ appId, channels: [channel], event, data, exceptSocketId: except }),
    })
    const occupancy = new ClusterOccupancy(store, this.#keys, this.#serverId)
    const connections = new ClusterConnectionCounts(store, this.#keys, this.#serverId, this.#serverTtlMs)
    const rates = new ClusterConnectionCounts(store, this.#keys, this.#serverId, this.#serverTtlMs, (id) => this.#keys.rates(id))
    const timer = setInterval(() => void this.#beat(), this.#heartbeatMs)
    timer.unref()
    this.#started = { store, bus, presence, occupancy, connections, rates, timer }
    store.on('ready', () => {
      // Back after an outage (or first connect): the shared state may be stale or empty; repair now.
      this.#reconcileWanted = true
      this.#outageLogged = false
      void this.#beat()
    })
    // Bounded well below Fastify's plugin timeout: without Redis the server starts anyway.
    const timeoutMs = Math.min(this.#options.timeoutMs, START_WAIT_MS)
    const subscribed = bus.start()
    try {
      await withTimeout(Promise.all([whenReady(store, timeoutMs).then(() => this.#beat()), subscribed]), timeoutMs, 'joining the redis cluster')
      this.#logger.info({ serverId: this.#serverId }, 'herald cluster: joined over redis')
    } catch (err) {
      // Keep the subscription attempt alive: ioredis keeps retrying and the server joins later.
      subscribed.catch(() => {})
      this.#logger.error({ err, serverId: this.#serverId }, 'herald cluster: redis unreachable at start-up; serving local connections until it is')
    }
  }

  /** Connection state for `GET /up`. */
  health(): ClusterHealth {
    const s = this.#started
    return { driver: 'redis', serverId: this.#serverId, connected: s?.store.status === 'ready', subscribed: s?.bus.subscribed === true }
  }

  async publish(request: PublishRequest): Promise<void> {
    const s = this.#started
    if (s !== undefined && s.store.status === 'ready' && request.channels.length > 0) {
      const herald = request.userId === undefined ? { app: request.appId } : { app: request.appId, user_id: request.userId }
      const body = encodeRedisMessage({ event: request.event, data: request.data, socket: request.exceptSocketId ?? null, herald })
      try {
        const prefix = this.#options.prefix
        await withTimeout(Promise.all(request.channels.map((c) => s.store.publish(prefix + c, body))), this.#options.timeoutMs, 'redis PUBLISH')
        return
      } catch (err) {
        this.#logOutage(err)
      }
    } else if (s !== undefined) {
      this.#logOutage(new Error(`redis connection is ${s.store.status}`))
    }
    // Redis is unreachable, so nothing comes back through the subscription: deliver here directly.
    await this.#localHub().publish(request)
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelInfo>> {
    const s = this.#started
    const accept = (c: string): boolean => prefix === undefined || c.startsWith(prefix)
    if (s === undefined || s.store.status !== 'ready') return this.#localHub().channels(appId, prefix)
    try {
      const totals = await s.occupancy.totals(appId, accept)
      const presenceNames = [...totals.keys()].filter(isPresence)
      const userCounts = await s.presence.userCounts(appId, presenceNames)
      const result = new Map<string, ChannelInfo>()
      for (const [name, count] of totals) result.set(name, { occupied: count > 0, subscriptionCount: count })
      presenceNames.forEach((name, i) => result.set(name, { occupied: true, subscriptionCount: totals.get(name) ?? 0, userCount: userCounts[i] ?? 0 }))
      return result
    } catch (err) {
      this.#logOutage(err)
      return this.#localHub().channels(appId, prefix)
    }
  }

  async channel(appId: string, channel: string): Promise<ChannelInfo> {
    const s = this.#started
    if (s === undefined || s.store.status !== 'ready') return this.#localHub().channel(appId, channel)
    try {
      const count = (await s.occupancy.totals(appId, (c) => c === channel)).get(channel) ?? 0
      const base = { occupied: count > 0, subscriptionCount: count }
      if (!isPresence(channel)) return base
      const [users] = await s.presence.userCounts(appId, [channel])
      return { ...base, userCount: users ?? 0 }
    } catch (err) {
      this.#logOutage(err)
      return this.#localHub().channel(appId, channel)
    }
  }

  async presenceUsers(appId: string, channel: string): Promise<string[]> {
    const s = this.#started
    if (s === undefined) return this.#localHub().presenceUsers(appId, channel)
    try {
      return await s.presence.users(appId, channel)
    } catch (err) {
      this.#logOutage(err)
      return this.#localHub().presenceUsers(appId, channel)
    }
  }

  /** Closes the user's connections on every server (a control message over Redis). */
  async terminateUser(appId: string, userId: string): Promise<void> {
    const s = this.#started
    if (s !== undefined && s.store.status === 'ready') {
      try {
        await withTimeout(s.store.publish(this.#keys.control, JSON.stringify({ type: 'terminate', app: appId, user: userId })), this.#options.timeoutMs, 'redis PUBLISH')
        return
      } catch (err) {
        this.#logOutage(err)
      }
    }
    await this.#localHub().terminateUser(appId, userId)
  }

  subscribed(appId: string, channel: string, socketId: string, member?: PresenceMember): Promise<string> | undefined {
    const s = this.#started
    if (s === undefined) return undefined
    s.occupancy.change(appId, channel, 1)
    if (member === undefined) return undefined
    return s.presence.join(appId, channel, socketId, member).then((roster) => {
      this.#toldRoster(appId, channel, roster)
      return roster
    })
  }

  unsubscribed(appId: string, channel: string, socketId: string, userId?: string): void {
    const s = this.#started
    if (s === undefined) return
    s.occupancy.change(appId, channel, -1)
    if (userId === undefined) return
    s.presence.leave(appId, channel, socketId, userId)
    if (!s.presence.hasLocal(appId, channel)) this.#told.delete(rosterKey(appId, channel))
  }

  presentUsers(appId: string, channel: string): ReadonlySet<string> | undefined {
    return this.#told.get(rosterKey(appId, channel))
  }

  connectionsElsewhere(appId: string): number {
    return this.#started?.connections.elsewhere(appId) ?? 0
  }

  /** Hits of a rate-limit key on the other live servers in their last full second, as last shared. */
  ratesElsewhere(key: string): number {
    return this.#started?.rates.elsewhere(key) ?? 0
  }

  /**
   * Leaves the cluster: this server's remaining presence members are removed (with
   * `member_removed` to the other servers), its registration deleted, its connections quit.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const s = this.#started
    if (s === undefined) return
    clearInterval(s.timer)
    if (s.store.status === 'ready') {
      try {
        await withTimeout(this.#forget(this.#serverId), this.#options.timeoutMs, 'leaving the redis cluster')
      } catch (err) {
        // The others reap this server when its heartbeat expires; closing must not fail over it.
        this.#logger.warn({ err }, 'herald cluster: could not deregister; other servers will remove this one when its heartbeat expires')
      }
    }
    await Promise.all([s.bus.close(), closeRedisClient(s.store)])
  }

  /** Heartbeat: refresh this server's registration, repair shared state when needed, reap dead servers. */
  async #beat(): Promise<void> {
    const s = this.#started
    // Without Redis the other servers' connections are unknown: maxConnections counts this process only.
    if (s !== undefined && s.store.status !== 'ready') {
      s.connections.clear()
      s.rates.clear()
    }
    if (s === undefined || this.#closed || this.#beating || s.store.status !== 'ready') return
    this.#beating = true
    try {
      // Two commands rather than MULTI: the keys live in different slots on Redis Cluster.
      const [, added] = await Promise.all([
        s.store.set(this.#keys.alive(this.#serverId), '1', 'PX', this.#serverTtlMs),
        s.store.sadd(this.#keys.servers, this.#serverId),
      ])
      // SADD adding us back means Redis lost our registration (restarted empty, or we were reaped).
      if (added === 1) this.#reconcileWanted = true
      if (this.#reconcileWanted || s.presence.dirty || s.occupancy.dirty) {
        this.#reconcileWanted = false
        await Promise.all([s.presence.reconcile(), s.occupancy.reconcile()])
        this.#logger.debug({ serverId: this.#serverId }, 'herald cluster: shared state reconciled')
      }
      const servers = await s.store.smembers(this.#keys.servers)
      await this.#reapDeadServers(s, servers)
      await Promise.all([
        s.connections.share(this.#local?.connectionCounts?.() ?? new Map(), servers),
        s.rates.share(this.#rateCounts?.() ?? new Map(), servers),
      ])
      if (this.#resyncAt !== undefined && Date.now() >= this.#resyncAt) {
        this.#resyncAt = undefined
        if (!(await this.#resyncRosters(s, true))) this.#resyncAt = Date.now()
      }
    } catch (err) {
      // The next beat (or the next 'ready') retries; an outage is logged by the connection itself.
      this.#reconcileWanted = true
      this.#logger.debug({ err }, 'herald cluster: heartbeat failed')
    } finally {
      this.#beating = false
    }
  }

  async #reapDeadServers(s: Started, servers: readonly string[]): Promise<void> {
    const others = servers.filter((id) => id !== this.#serverId)
    if (others.length === 0) return
    const alive = await Promise.all(others.map((id) => s.store.exists(this.#keys.alive(id))))
    for (const [i, id] of others.entries()) {
      if (alive[i] !== 0) continue
      // One server does the removal, so each member_removed is announced by exactly one server.
      if ((await s.store.set(this.#keys.reaping(id), this.#serverId, 'PX', REAP_CLAIM_MS, 'NX')) !== 'OK') continue
      const members = await this.#forget(id)
      // Released at once (not left to expire) so a server that returns and dies again is reaped in time;
      // a second reaper finds nothing left, and the leave script is idempotent, so nothing is announced twice.
      await s.store.del(this.#keys.reaping(id))
      this.#logger.warn({ deadServer: id, members }, 'herald cluster: removed a server whose heartbeat expired')
    }
  }

  /** Removes a server's presence connections, channel counts and registration. */
  async #forget(serverId: string): Promise<number> {
    const s = this.#started
    if (s === undefined) return 0
    const members = await s.presence.reap(serverId)
    await s.store.del(this.#keys.channelCounts(serverId))
    await Promise.all([s.connections.remove(serverId), s.rates.remove(serverId)])
    await s.store.del(this.#keys.alive(serverId))
    await s.store.srem(this.#keys.servers, serverId)
    return members
  }

  /**
   * The subscription is live again after a (re)connect. Announcements published while it was down
   * never arrive (pub/sub is fire-and-forget), and another server may have re-registered its
   * members and announced them before this one re-subscribed. So the rosters are re-read from
   * Redis and this server's clients are sent the difference: additions at once (a user in Redis is
   * really there), the full diff with removals one heartbeat TTL later, when every live server has
   * re-registered its members (after Redis restarted empty, a member not yet re-registered would
   * otherwise be removed and re-added). The full pass runs in the heartbeat, which retries it.
   */
  #resubscribed(): void {
    const s = this.#started
    if (s === undefined || this.#closed) return
    this.#resyncAt = Date.now() + this.#serverTtlMs + this.#heartbeatMs
    if (s.store.status === 'ready') this.#resyncRosters(s, false).catch((err: unknown) => this.#logger.error({ err }, 'herald cluster: roster resync failed'))
  }

  /**
   * Sends this server's clients `member_added`/`member_removed` for the difference between what
   * they were told and the cluster roster in Redis (plus this server's own members, which are
   * present whatever Redis says). Once per user, never to the member's own socket. Returns false
   * when a channel could not be compared (Redis error, or a presence event raced the read).
   */
  async #resyncRosters(s: Started, removals: boolean): Promise<boolean> {
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
        this.#publishLocally({ appId, channels: [channel], event: MEMBER_ADDED, data: JSON.stringify(data), exceptSocketId: own?.socketId })
      }
      if (!removals) continue
      for (const userId of [...told]) {
        if (!present.has(userId)) this.#publishLocally({ appId, channels: [channel], event: MEMBER_REMOVED, data: JSON.stringify({ user_id: userId }) })
      }
    }
    return complete
  }

  /** Records the roster a local joiner was sent (`{"presence":{ids,…}}`) as told. */
  #toldRoster(appId: string, channel: string, roster: string): void {
    const s = this.#started
    if (s === undefined || !s.presence.hasLocal(appId, channel)) return
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

  /** Keeps {@link #told} in step with a presence event delivered to this server's clients. */
  #noteTold(request: PublishRequest): void {
    const added = request.event === MEMBER_ADDED
    if (!added && request.event !== MEMBER_REMOVED) return
    const s = this.#started
    const channel = request.channels[0]
    if (s === undefined || channel === undefined || !isPresence(channel)) return
    this.#presenceEvents++
    if (!s.presence.hasLocal(request.appId, channel)) return
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

  #toldSet(appId: string, channel: string): Set<string> {
    const k = rosterKey(appId, channel)
    let told = this.#told.get(k)
    if (told === undefined) {
      told = new Set()
      this.#told.set(k, told)
    }
    return told
  }

  #deliver(channel: string, raw: string): void {
    const message = decodeRedisMessage(raw)
    if (message === undefined) {
      this.#logger.debug({ channel }, 'herald cluster: ignored a message not in the broadcast format')
      return
    }
    this.#publishLocally({
      appId: message.appId ?? this.#defaultAppId,
      channels: [channel],
      event: message.event,
      data: message.data,
      exceptSocketId: message.socket,
      userId: message.userId,
    })
  }

  #control(raw: string): void {
    let m: unknown
    try {
      m = JSON.parse(raw)
    } catch {
      m = undefined
    }
    const c = m as { type?: unknown; app?: unknown; user?: unknown } | undefined
    if (c?.type === 'terminate' && typeof c.app === 'string' && typeof c.user === 'string') {
      this.#localHub()
        .terminateUser(c.app, c.user)
        .catch((err: unknown) => this.#logger.error({ err }, 'herald cluster: terminating connections failed'))
    } else {
      this.#logger.warn({ message: raw.slice(0, 200) }, 'herald cluster: ignored an unknown control message')
    }
  }

  #publishLocally(request: PublishRequest): void {
    this.#noteTold(request)
    this.#localHub()
      .publish(request)
      .catch((err: unknown) => this.#logger.error({ err, channels: request.channels }, 'herald cluster: local delivery failed'))
  }

  #localHub(): RealtimeHubPort {
    if (this.#local === undefined) throw new Error('RedisClusterHub: start(local) must be called before use')
    return this.#local
  }

  #logOutage(err: unknown): void {
    if (this.#outageLogged) return
    this.#outageLogged = true
    this.#logger.error({ err, serverId: this.#serverId }, 'herald cluster: redis unavailable; delivering to local connections only until it returns')
  }
}

const MEMBER_ADDED = 'pusher_internal:member_added'
const MEMBER_REMOVED = 'pusher_internal:member_removed'

function rosterKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}

function isPresence(channel: string): boolean {
  return channel.startsWith('presence-')
}
