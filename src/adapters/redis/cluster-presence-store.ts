import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { PresenceMember } from '../../domain/realtime/presence-member.js'
import type { ClusterLifecycle } from './cluster-lifecycle.js'
import { ClusterKeys, connectionField, decodePresenceEntry, encodePresenceEntry, type PresenceEntry } from './cluster-keys.js'
import { JOIN_SCRIPT, LEAVE_SCRIPT, type PresenceCommands } from './cluster-presence-scripts.js'
import { memberAddedData, mirrorKey, parseInfo, rosterFromInfo, serialiseRoster, splitMirrorKey } from './presence-roster-wire.js'
import type { RedisClient } from './redis-connection.js'

/** Sends a presence event to a channel: cluster-wide, or only to this process's connections. */
export type PresenceAnnouncer = (appId: string, channel: string, event: string, data: string, exceptSocketId?: string) => void

export interface ClusterPresenceStoreOptions {
  readonly client: RedisClient
  readonly keys: ClusterKeys
  readonly serverId: string
  readonly logger: LoggerPort
  /** Publishes through Redis to every server (used when Redis holds the truth). */
  readonly announce: PresenceAnnouncer
  /** Delivers to this process only (used while Redis is unreachable). */
  readonly announceLocally: PresenceAnnouncer
  /** Reports member_added/member_removed for webhooks and hooks, once for the cluster. @default none */
  readonly lifecycle?: ClusterLifecycle | undefined
}

const MEMBER_ADDED = 'pusher_internal:member_added'
const MEMBER_REMOVED = 'pusher_internal:member_removed'

/**
 * Cluster-wide presence over Redis hashes, with per-server ownership of every connection.
 *
 * The truth is in Redis; this process also mirrors its own presence connections so that it can
 * (a) keep serving a local roster while Redis is down and (b) re-register them when Redis comes
 * back or lost its data ({@link reconcile}). A dead server's connections are removed by another
 * server ({@link reap}), which announces `member_removed` for users who had no other connection.
 */
export class ClusterPresenceStore {
  readonly #client: RedisClient
  readonly #commands: PresenceCommands
  readonly #keys: ClusterKeys
  readonly #serverId: string
  readonly #logger: LoggerPort
  readonly #announce: PresenceAnnouncer
  readonly #announceLocally: PresenceAnnouncer
  readonly #lifecycle: ClusterLifecycle | undefined
  /** app \0 channel → socket id → member: this process's presence connections. */
  readonly #local = new Map<string, Map<string, PresenceMember>>()
  /** Set when a write could not reach Redis; the next {@link reconcile} repairs shared state. */
  #dirty = false
  /**
   * Leaves that could not be recorded (Redis unreachable), by encoded entry. Kept because a Redis
   * that restarted empty no longer lists them, yet the other servers' clients must hear of them.
   */
  readonly #pendingLeaves = new Map<string, PresenceEntry>()

  constructor(options: ClusterPresenceStoreOptions) {
    this.#client = options.client
    this.#keys = options.keys
    this.#serverId = options.serverId
    this.#logger = options.logger
    this.#announce = options.announce
    this.#announceLocally = options.announceLocally
    this.#lifecycle = options.lifecycle
    options.client.defineCommand('heraldPresenceJoin', { numberOfKeys: 4, lua: JOIN_SCRIPT })
    options.client.defineCommand('heraldPresenceLeave', { numberOfKeys: 4, lua: LEAVE_SCRIPT })
    this.#commands = options.client as unknown as PresenceCommands
  }

  /** True when some change since the last reconcile did not reach Redis. */
  get dirty(): boolean {
    return this.#dirty
  }

  /**
   * A local connection joined: record it, announce `member_added` when the user is new to the
   * cluster, and resolve the cluster roster for its `subscription_succeeded`. Never rejects.
   */
  async join(appId: string, channel: string, socketId: string, member: PresenceMember): Promise<string> {
    const mirror = this.#mirror(appId, channel, true)
    const firstLocally = ![...mirror.values()].some((m) => m.userId === member.userId)
    mirror.set(socketId, member)
    const entry = { appId, channel, socketId, userId: member.userId }
    if (this.#client.status === 'ready') {
      try {
        const [first, info] = await this.#write(entry, member.userInfo)
        if (first) this.#announce(appId, channel, MEMBER_ADDED, memberAddedData(member), socketId)
        return rosterFromInfo(info)
      } catch (err) {
        this.#logger.warn({ err, channel }, 'herald cluster: presence join not recorded in redis; serving the local roster until it returns')
      }
    }
    this.#dirty = true
    if (firstLocally) this.#announceLocally(appId, channel, MEMBER_ADDED, memberAddedData(member), socketId)
    return this.#localRoster(appId, channel)
  }

  /** A local connection left: remove it and announce `member_removed` when it was the user's last. */
  leave(appId: string, channel: string, socketId: string, userId: string): void {
    const mirror = this.#mirror(appId, channel, false)
    if (mirror?.delete(socketId) !== true) return
    if (mirror.size === 0) this.#local.delete(mirrorKey(appId, channel))
    const lastLocally = ![...(mirror.values())].some((m) => m.userId === userId)
    const data = JSON.stringify({ user_id: userId })
    const entry = { appId, channel, socketId, userId }
    const fallBack = (): void => {
      this.#dirty = true
      this.#pendingLeaves.set(encodePresenceEntry(entry), entry)
      if (lastLocally) this.#announceLocally(appId, channel, MEMBER_REMOVED, data)
    }
    if (this.#client.status !== 'ready') return fallBack()
    this.#remove(this.#serverId, entry).then(
      (last) => {
        if (last) this.#announce(appId, channel, MEMBER_REMOVED, data)
      },
      (err: unknown) => {
        this.#logger.warn({ err, channel }, 'herald cluster: presence leave not recorded in redis; it is repaired when redis returns')
        fallBack()
      },
    )
  }

  /**
   * Makes Redis match this process's live presence connections: drops entries of connections that
   * left while Redis was unreachable (announcing `member_removed` where it was the user's last) and
   * (re-)registers every live one (announcing `member_added` where the user is new to the cluster,
   * e.g. after Redis restarted empty). Safe to repeat.
   */
  async reconcile(): Promise<void> {
    this.#dirty = false
    const stored = new Set(await this.#client.smembers(this.#keys.presenceEntries(this.#serverId)))
    const live = new Map<string, { entry: PresenceEntry; member: PresenceMember }>()
    for (const [k, sockets] of this.#local) {
      const { appId, channel } = splitMirrorKey(k)
      for (const [socketId, member] of sockets) {
        const entry = { appId, channel, socketId, userId: member.userId }
        live.set(encodePresenceEntry(entry), { entry, member })
      }
    }
    const gone = new Map<string, PresenceEntry>(this.#pendingLeaves)
    for (const raw of stored) {
      const entry = live.has(raw) ? undefined : decodePresenceEntry(raw)
      if (entry !== undefined) gone.set(raw, entry)
    }
    this.#pendingLeaves.clear()
    // Joins first, all issued without awaiting in between, so a join or leave arriving meanwhile
    // queues behind them; removals then see every live connection of this server registered.
    const joins = [...live.values()].map(async ({ entry, member }) => {
      const [first] = await this.#write(entry, member.userInfo)
      if (first) this.#announce(entry.appId, entry.channel, MEMBER_ADDED, memberAddedData(member), entry.socketId)
    })
    const removals = [...gone].map(async ([raw, entry]) => {
      try {
        const last = await this.#remove(this.#serverId, entry)
        // Not in Redis any more (it restarted empty): announce unless the user is connected elsewhere.
        const absent = !last && !stored.has(raw) && (await this.#client.hexists(this.#keys.presence(entry.appId, entry.channel)[1], entry.userId)) === 0
        if (last || absent) this.#announce(entry.appId, entry.channel, MEMBER_REMOVED, JSON.stringify({ user_id: entry.userId }))
      } catch (err) {
        this.#pendingLeaves.set(raw, entry)
        throw err
      }
    })
    const results = await Promise.allSettled([...joins, ...removals])
    const failed = results.find((r) => r.status === 'rejected')
    if (failed !== undefined) {
      this.#dirty = true
      throw (failed).reason
    }
  }

  /**
   * Removes every presence connection of dead server `serverId`, announcing `member_removed` for
   * users left with no connection. Returns how many connections were removed.
   */
  async reap(serverId: string): Promise<number> {
    const raws = await this.#client.smembers(this.#keys.presenceEntries(serverId))
    const entries = raws.map(decodePresenceEntry).filter((e): e is PresenceEntry => e !== undefined)
    await Promise.all(
      entries.map(async (entry) => {
        if (await this.#remove(serverId, entry)) this.#announce(entry.appId, entry.channel, MEMBER_REMOVED, JSON.stringify({ user_id: entry.userId }))
      }),
    )
    await this.#client.del(this.#keys.presenceEntries(serverId))
    return entries.length
  }

  /** The presence channels this process has connections on. */
  localChannels(): { appId: string; channel: string }[] {
    return [...this.#local.keys()].map(splitMirrorKey)
  }

  /** True while this process has a presence connection on the channel. */
  hasLocal(appId: string, channel: string): boolean {
    return this.#local.has(mirrorKey(appId, channel))
  }

  /** This process's members of a channel: user id → one of its socket ids and its `user_info`. */
  localMembers(appId: string, channel: string): Map<string, { socketId: string; userInfo: unknown }> {
    const members = new Map<string, { socketId: string; userInfo: unknown }>()
    for (const [socketId, m] of this.#mirror(appId, channel, false) ?? []) if (!members.has(m.userId)) members.set(m.userId, { socketId, userInfo: m.userInfo })
    return members
  }

  /** The cluster roster of a channel as Redis holds it: user id → `user_info`. Rejects when Redis is unreachable. */
  async clusterMembers(appId: string, channel: string): Promise<Map<string, unknown>> {
    const info = await this.#client.hgetall(this.#keys.presence(appId, channel)[2])
    const members = new Map<string, unknown>()
    for (const [id, json] of Object.entries(info)) members.set(id, parseInfo(json))
    return members
  }

  /** Distinct users on a presence channel, cluster-wide (local only while Redis is down). */
  async users(appId: string, channel: string): Promise<string[]> {
    if (this.#client.status === 'ready') return this.#client.hkeys(this.#keys.presence(appId, channel)[1])
    return [...new Set([...(this.#mirror(appId, channel, false)?.values() ?? [])].map((m) => m.userId))]
  }

  /** Distinct user counts of the given presence channels, cluster-wide. */
  async userCounts(appId: string, channels: readonly string[]): Promise<number[]> {
    return Promise.all(channels.map((c) => this.#client.hlen(this.#keys.presence(appId, c)[1])))
  }

  async #write(entry: PresenceEntry, userInfo: unknown): Promise<[boolean, string[]]> {
    const [conns, users, info] = this.#keys.presence(entry.appId, entry.channel)
    const leaving = this.#keys.presenceLeaving(entry.appId, entry.channel)
    const registered = this.#client.sadd(this.#keys.presenceEntries(this.#serverId), encodePresenceEntry(entry))
    const field = connectionField(this.#serverId, entry.socketId)
    const joined = this.#commands.heraldPresenceJoin(conns, users, info, leaving, field, entry.userId, JSON.stringify(userInfo ?? null))
    const [, [first, infos]] = await Promise.all([registered, joined])
    this.#lifecycle?.memberJoined(entry.appId, entry.channel, entry.userId, first)
    return [first >= 1, infos]
  }

  /** Removes one presence connection; a closing server's lifecycle waits for it (it may record a `member_removed`). */
  #remove(serverId: string, entry: PresenceEntry): Promise<boolean> {
    const work = this.#removeEntry(serverId, entry)
    return this.#lifecycle === undefined ? work : this.#lifecycle.track(work)
  }

  async #removeEntry(serverId: string, entry: PresenceEntry): Promise<boolean> {
    const [conns, users, info] = this.#keys.presence(entry.appId, entry.channel)
    const leaving = this.#keys.presenceLeaving(entry.appId, entry.channel)
    const token = this.#lifecycle?.token() ?? ''
    const ttlMs = this.#lifecycle?.markerTtlMs ?? 1
    const left = this.#commands.heraldPresenceLeave(conns, users, info, leaving, connectionField(serverId, entry.socketId), entry.userId, token, ttlMs)
    const unregistered = this.#client.srem(this.#keys.presenceEntries(serverId), encodePresenceEntry(entry))
    const [last] = await Promise.all([left, unregistered])
    if (last === 1) await this.#lifecycle?.memberLeft(entry.appId, entry.channel, entry.userId, token)
    return last === 1
  }

  #mirror(appId: string, channel: string, create: true): Map<string, PresenceMember>
  #mirror(appId: string, channel: string, create: false): Map<string, PresenceMember> | undefined
  #mirror(appId: string, channel: string, create: boolean): Map<string, PresenceMember> | undefined {
    const k = mirrorKey(appId, channel)
    let m = this.#local.get(k)
    if (m === undefined && create) {
      m = new Map()
      this.#local.set(k, m)
    }
    return m
  }

  #localRoster(appId: string, channel: string): string {
    const hash: Record<string, unknown> = {}
    for (const m of this.#mirror(appId, channel, false)?.values() ?? []) if (!(m.userId in hash)) hash[m.userId] = m.userInfo ?? null
    return serialiseRoster(hash)
  }
}
