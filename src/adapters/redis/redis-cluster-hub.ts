import { randomUUID } from 'node:crypto'
import { InvalidConfigError } from '../../domain/errors.js'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import { LocalRealtimeHub, type LocalRealtimeHubOptions } from '../../domain/realtime/local-realtime-hub.js'
import type { ChannelInfo, PublishRequest, RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { clusterChannel, clusterChannels } from './cluster-channel-queries.js'
import { decodeControl, encodeTerminateControl } from './cluster-control-message.js'
import { ClusterHeartbeat } from './cluster-heartbeat.js'
import { ClusterKeys } from './cluster-keys.js'
import { ClusterRosterSync } from './cluster-roster-sync.js'
import { openClusterSession, type ClusterSession } from './cluster-session.js'
import { RedisClusterState } from './redis-cluster-state.js'
import { beforeDeadline } from '../../domain/within-deadline.js'
import { closeRedisClient, whenReady } from './redis-connection.js'
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
  /** Options of the {@link LocalRealtimeHub} this hub creates for its own connections. @default {} */
  readonly local?: Omit<LocalRealtimeHubOptions, 'clusterState'>
  /**
   * Where lifecycle events go (webhooks, hooks), each reported once for the whole cluster, departures after
   * their delay (kept in Redis). @default none
   */
  readonly lifecycle?: LifecycleObserver | undefined
  readonly logger?: LoggerPort
  /** This server's rate-limit hits per key in its last full second, shared every heartbeat (see {@link RedisClusterHub.ratesElsewhere}). */
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

/** Longest `start()` waits for Redis before serving without it (it keeps trying in the background). */
const START_WAIT_MS = 3000

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
 * One-way ownership: this hub creates this server's {@link LocalRealtimeHub} ({@link local}) with a
 * narrow `ClusterStatePort` ({@link RedisClusterState}, not this class) and delivers to it; the local
 * hub never sees this class, so nothing is attached after construction. Heartbeat and reaping:
 * {@link ClusterHeartbeat}; roster repair: {@link ClusterRosterSync}; limits: {@link RedisClusterState}.
 *
 * Wiring: create it, `await start()`, subscribe connections on `local`, publish and query here.
 */
export class RedisClusterHub implements RealtimeHubPort {
  readonly #options: RedisOptions
  readonly #defaultAppId: string
  readonly #serverId: string
  readonly #serverTtlMs: number
  readonly #logger: LoggerPort
  readonly #keys: ClusterKeys
  readonly #local: LocalRealtimeHub
  readonly #rosters: ClusterRosterSync
  readonly #state: RedisClusterState
  readonly #heartbeat: ClusterHeartbeat
  readonly #lifecycle: LifecycleObserver | undefined
  #session: ClusterSession | undefined
  #closed = false
  #outageLogged = false

  constructor(options: RedisClusterHubOptions) {
    this.#options = options.redis
    this.#defaultAppId = options.defaultAppId
    this.#serverId = options.serverId ?? randomUUID()
    const heartbeatMs = options.heartbeatMs ?? options.redis.heartbeatMs ?? 1000
    const serverTtlMs = options.serverTtlMs ?? options.redis.serverTtlMs ?? 3000
    if (serverTtlMs <= heartbeatMs) {
      throw new InvalidConfigError([
        { path: 'serverTtlMs', message: `must exceed heartbeatMs (${heartbeatMs}), or live servers would be taken for dead (got ${serverTtlMs})` },
      ])
    }
    this.#serverTtlMs = serverTtlMs
    this.#logger = options.logger ?? nullLogger
    this.#keys = new ClusterKeys(options.redis.prefix)
    this.#lifecycle = options.lifecycle
    const settleMs = serverTtlMs + heartbeatMs
    this.#rosters = new ClusterRosterSync({ deliverLocally: (request) => this.#publishLocally(request), settleMs, logger: this.#logger })
    this.#state = new RedisClusterState(this.#rosters)
    this.#local = new LocalRealtimeHub({ ...options.local, clusterState: this.#state })
    const localConnections = (): ReadonlyMap<string, number> => this.#local.connectionCounts()
    this.#heartbeat = new ClusterHeartbeat({ keys: this.#keys, serverId: this.#serverId, heartbeatMs, serverTtlMs, rosters: this.#rosters, localConnections, logger: this.#logger,
      ...(options.rateCounts === undefined ? {} : { localRates: options.rateCounts }) })
  }

  /** This server's id in Redis. */
  get serverId(): string {
    return this.#serverId
  }

  /** This server's own connections: the WebSocket layer opens, subscribes and signs them in here. */
  get local(): LocalRealtimeHub {
    return this.#local
  }

  /**
   * Connects, subscribes and registers this server. Waits at most `timeoutMs` (and 3 s) for Redis: a server
   * may start while Redis is down and joins the cluster by itself once Redis is reachable.
   */
  async start(): Promise<void> {
    if (this.#session !== undefined) throw new Error('RedisClusterHub.start() was already called')
    const session = await openClusterSession({
      redis: this.#options,
      keys: this.#keys,
      serverId: this.#serverId,
      serverTtlMs: this.#serverTtlMs,
      logger: this.#logger,
      bus: { onBroadcast: (channel, raw) => this.#deliver(channel, raw), onControl: (raw) => this.#control(raw), onSubscribed: () => this.#resubscribed() },
      announce: (appId, channel, event, data, except) =>
        void this.publish({ appId, channels: [channel], event, data, exceptSocketId: except }).catch((err: unknown) =>
          this.#logger.error({ err, channel, event }, 'herald cluster: presence announcement failed'),
        ),
      announceLocally: (appId, channel, event, data, except) => this.#publishLocally({ appId, channels: [channel], event, data, exceptSocketId: except }),
      lifecycle: this.#lifecycle,
    })
    const { store, bus } = session
    this.#session = session
    this.#state.attach(session)
    this.#heartbeat.start(session)
    store.on('ready', () => {
      // Back after an outage (or first connect): the shared state may be stale or empty; repair now.
      this.#outageLogged = false
      this.#heartbeat.repairNow()
    })
    // Bounded well below Fastify's plugin timeout: without Redis the server starts anyway.
    const timeoutMs = Math.min(this.#options.timeoutMs, START_WAIT_MS)
    const subscribed = bus.start()
    try {
      await beforeDeadline(Promise.all([whenReady(store, timeoutMs).then(() => this.#heartbeat.beat()), subscribed]), timeoutMs, 'joining the redis cluster')
      this.#logger.info({ serverId: this.#serverId }, 'herald cluster: joined over redis')
    } catch (err) {
      // Keep the subscription attempt alive: ioredis keeps retrying and the server joins later.
      subscribed.catch(() => {})
      this.#logger.error({ err, serverId: this.#serverId }, 'herald cluster: redis unreachable at start-up; serving local connections until it is')
    }
  }

  /** Connection state for `GET /up`. */
  health(): ClusterHealth {
    const s = this.#session
    return { driver: 'redis', serverId: this.#serverId, connected: s?.store.status === 'ready', subscribed: s?.bus.subscribed === true }
  }

  async publish(request: PublishRequest): Promise<void> {
    const s = this.#session
    if (s !== undefined && s.store.status === 'ready' && request.channels.length > 0) {
      const herald = request.userId === undefined ? { app: request.appId } : { app: request.appId, user_id: request.userId }
      const body = encodeRedisMessage({ event: request.event, data: request.data, socket: request.exceptSocketId ?? null, herald })
      try {
        const prefix = this.#options.prefix
        await beforeDeadline(Promise.all(request.channels.map((c) => s.store.publish(prefix + c, body))), this.#options.timeoutMs, 'redis PUBLISH')
        return
      } catch (err) {
        this.#logOutage(err)
      }
    } else if (s !== undefined) {
      this.#logOutage(new Error(`redis connection is ${s.store.status}`))
    }
    // Redis is unreachable, so nothing comes back through the subscription: deliver here directly.
    await this.#local.publish(request)
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelInfo>> {
    const s = this.#session
    const accept = (c: string): boolean => prefix === undefined || c.startsWith(prefix)
    if (s === undefined || s.store.status !== 'ready') return this.#local.channels(appId, prefix)
    try {
      return await clusterChannels(s, appId, accept)
    } catch (err) {
      this.#logOutage(err)
      return this.#local.channels(appId, prefix)
    }
  }

  async channel(appId: string, channel: string): Promise<ChannelInfo> {
    const s = this.#session
    if (s === undefined || s.store.status !== 'ready') return this.#local.channel(appId, channel)
    try {
      return await clusterChannel(s, appId, channel)
    } catch (err) {
      this.#logOutage(err)
      return this.#local.channel(appId, channel)
    }
  }

  async presenceUsers(appId: string, channel: string): Promise<string[]> {
    const s = this.#session
    if (s === undefined) return this.#local.presenceUsers(appId, channel)
    try {
      return await s.presence.users(appId, channel)
    } catch (err) {
      this.#logOutage(err)
      return this.#local.presenceUsers(appId, channel)
    }
  }

  /** Closes the user's connections on every server (a control message over Redis). */
  async terminateUser(appId: string, userId: string): Promise<void> {
    const s = this.#session
    if (s !== undefined && s.store.status === 'ready') {
      try {
        await beforeDeadline(s.store.publish(this.#keys.control, encodeTerminateControl(appId, userId)), this.#options.timeoutMs, 'redis PUBLISH')
        return
      } catch (err) {
        this.#logOutage(err)
      }
    }
    await this.#local.terminateUser(appId, userId)
  }

  /**
   * Claims a channel's subscription-count window for the cluster (SET NX PX): `true` when this server is to send
   * the count, otherwise the ms until the window ends. Without Redis, this server sends its own count.
   */
  async claimCountWindow(appId: string, channel: string, windowMs: number): Promise<true | number> {
    const s = this.#session
    if (s === undefined || s.store.status !== 'ready') return true
    const key = this.#keys.countWindow(appId, channel)
    if ((await s.store.set(key, this.#serverId, 'PX', windowMs, 'NX')) === 'OK') return true
    return Math.max(1, await s.store.pttl(key))
  }

  /**
   * Leaves the cluster: this server's remaining presence members are removed (with
   * `member_removed` to the other servers), its registration deleted, its connections quit.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#heartbeat.stop()
    const s = this.#session
    if (s === undefined) return
    if (s.store.status === 'ready') {
      try {
        await beforeDeadline(this.#heartbeat.leave(), this.#options.timeoutMs, 'leaving the redis cluster')
      } catch (err) {
        // The others reap this server when its heartbeat expires; closing must not fail over it.
        this.#logger.warn({ err }, 'herald cluster: could not deregister; other servers will remove this one when its heartbeat expires')
      }
    }
    await Promise.all([s.bus.close(), closeRedisClient(s.store)])
  }

  /** Hits of a rate-limit key on the other live servers in their last full second, as last shared (0 without Redis). */
  ratesElsewhere(key: string): number {
    return this.#session?.rates.elsewhere(key) ?? 0
  }

  /** The subscription is live again after a (re)connect: announcements missed meanwhile are repaired. */
  #resubscribed(): void {
    const s = this.#session
    if (s === undefined || this.#closed) return
    this.#rosters.resubscribed(s)
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
    const c = decodeControl(raw)
    if (c !== undefined) {
      this.#local
        .terminateUser(c.appId, c.userId)
        .catch((err: unknown) => this.#logger.error({ err }, 'herald cluster: terminating connections failed'))
    } else {
      this.#logger.warn({ message: raw.slice(0, 200) }, 'herald cluster: ignored an unknown control message')
    }
  }

  #publishLocally(request: PublishRequest): void {
    this.#rosters.noteDelivered(this.#session?.presence, request)
    this.#local
      .publish(request)
      .catch((err: unknown) => this.#logger.error({ err, channels: request.channels }, 'herald cluster: local delivery failed'))
  }

  #logOutage(err: unknown): void {
    if (this.#outageLogged) return
    this.#outageLogged = true
    this.#logger.error({ err, serverId: this.#serverId }, 'herald cluster: redis unavailable; delivering to local connections only until it returns')
  }
}
