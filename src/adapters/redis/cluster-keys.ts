/**
 * Where the cluster keeps its shared state in Redis. Every key starts with the configured prefix and
 * `herald:`, which no Pusher channel name can contain (`:` is not allowed in them), so the keys and
 * the control channel never collide with broadcast channels.
 *
 * Per channel, the presence hashes share one hash tag (`{app:channel}`) so the join/leave scripts
 * touch a single slot and also work on Redis Cluster.
 */
export class ClusterKeys {
  readonly #base: string
  /** The pub/sub channel of control messages (terminate a user's connections). */
  readonly control: string
  /** SET of the ids of registered servers. */
  readonly servers: string

  constructor(prefix: string) {
    this.#base = `${prefix}herald:`
    this.control = `${this.#base}control`
    this.servers = `${this.#base}servers`
  }

  /** STRING with a TTL: present while server `serverId` is alive (its heartbeat). */
  alive(serverId: string): string {
    return `${this.#base}server:${serverId}:alive`
  }

  /** STRING set while one server removes dead server `serverId`'s members, so only one does. */
  reaping(serverId: string): string {
    return `${this.#base}server:${serverId}:reaping`
  }

  /** HASH `app \0 channel` → number of that server's subscriptions on it. */
  channelCounts(serverId: string): string {
    return `${this.#base}server:${serverId}:channels`
  }

  /** HASH app id → that server's open connections, rewritten every heartbeat and expiring with it. */
  connections(serverId: string): string {
    return `${this.#base}server:${serverId}:connections`
  }

  /** HASH rate-limit key → that server's hits in its last full second, rewritten every heartbeat and expiring with it. */
  rates(serverId: string): string {
    return `${this.#base}server:${serverId}:rates`
  }

  /** SET of that server's presence subscriptions, each a {@link PresenceEntry} as JSON. */
  presenceEntries(serverId: string): string {
    return `${this.#base}server:${serverId}:presence`
  }

  /** ZSET of departures (channel_vacated, member_removed) waiting for their delay, scored by when they are due (epoch ms). */
  get departures(): string {
    return `${this.#base}departures`
  }

  /**
   * One channel's cluster-wide occupancy: a HASH server id → that server's subscriptions, and the STRING
   * token of a pending `channel_vacated` (cleared when the channel is occupied again within the delay).
   * Same hash tag as the presence keys: one slot per channel.
   */
  occupancy(appId: string, channel: string): readonly [counts: string, vacating: string] {
    const tag = `${this.#base}occupancy:{${appId}:${channel}}`
    return [tag, `${tag}:vacating`]
  }

  /** STRING set (with a TTL) while one server's subscription count of a channel is the latest sent: one count per window for the cluster. */
  countWindow(appId: string, channel: string): string {
    return `${this.#base}count-window:{${appId}:${channel}}`
  }

  /** HASH user id → token of a pending `member_removed` on a presence channel (cleared when the user returns in time). */
  presenceLeaving(appId: string, channel: string): string {
    return `${this.#base}presence:{${appId}:${channel}}:leaving`
  }

  /** The three hashes of one presence channel: connection → user, user → connection count, user → user_info. */
  presence(appId: string, channel: string): readonly [conns: string, users: string, info: string] {
    const tag = `${this.#base}presence:{${appId}:${channel}}`
    return [`${tag}:conns`, `${tag}:users`, `${tag}:info`]
  }
}

/** One presence subscription of one server, as stored in its entries set. */
export interface PresenceEntry {
  readonly appId: string
  readonly channel: string
  readonly socketId: string
  readonly userId: string
}

/** Encodes an entry; a fixed field order keeps the string identical for SADD/SREM. */
export function encodePresenceEntry(e: PresenceEntry): string {
  return JSON.stringify([e.appId, e.channel, e.socketId, e.userId])
}

/** Decodes an entry written by {@link encodePresenceEntry}; undefined for anything else. */
export function decodePresenceEntry(raw: string): PresenceEntry | undefined {
  try {
    const v = JSON.parse(raw) as unknown
    if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'string')) return undefined
    const [appId, channel, socketId, userId] = v as [string, string, string, string]
    return { appId, channel, socketId, userId }
  } catch {
    // Not ours (someone wrote to our key): ignoring it is safe, it names no member we know.
    return undefined
  }
}

/** The hash field of one connection in a channel's `conns` hash: unique across servers. */
export function connectionField(serverId: string, socketId: string): string {
  return `${serverId}:${socketId}`
}

/** Field of the per-server channel counts hash. */
export function channelField(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}

/** Inverse of {@link channelField}. */
export function parseChannelField(field: string): { appId: string; channel: string } | undefined {
  const at = field.indexOf('\u0000')
  return at < 0 ? undefined : { appId: field.slice(0, at), channel: field.slice(at + 1) }
}

/** Escapes Redis glob characters so a prefix can start a PSUBSCRIBE pattern literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`)
}
