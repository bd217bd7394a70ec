import type { ClusterKeys } from './cluster-keys.js'
import type { RedisClient } from './redis-connection.js'

/**
 * Open connections per app across the cluster, so an app's `maxConnections` holds for all servers together.
 * Each server rewrites its own counts in its own hash every heartbeat (the hash expires with the heartbeat, so a
 * dead server's connections stop counting) and reads the other servers' hashes in the same beat. A connect then
 * checks the cached sum: no Redis round trip per connection, at the price of counts up to one heartbeat old.
 */
export class ClusterConnectionCounts {
  readonly #client: RedisClient
  readonly #serverId: string
  readonly #ttlMs: number
  readonly #hashOf: (serverId: string) => string
  #elsewhere = new Map<string, number>()

  /** @param hashOf the hash of one server's counts; other counts per key (rate limits) use their own. @default keys.connections */
  constructor(client: RedisClient, keys: ClusterKeys, serverId: string, ttlMs: number, hashOf: (serverId: string) => string = (id) => keys.connections(id)) {
    this.#hashOf = hashOf
    this.#client = client
    this.#serverId = serverId
    this.#ttlMs = ttlMs
  }

  /** Connections of `appId` on the other servers at the last {@link share}. */
  elsewhere(appId: string): number {
    return this.#elsewhere.get(appId) ?? 0
  }

  /** Writes this server's counts and reads everyone else's (one heartbeat's worth of work). */
  async share(local: ReadonlyMap<string, number>, servers: readonly string[]): Promise<void> {
    const own = this.#hashOf(this.#serverId)
    const write = this.#client.multi().del(own)
    if (local.size > 0) write.hset(own, Object.fromEntries(local)).pexpire(own, this.#ttlMs)
    const others = servers.filter((id) => id !== this.#serverId)
    const [written, hashes] = await Promise.all([write.exec(), Promise.all(others.map((id) => this.#client.hgetall(this.#hashOf(id))))])
    const failed = written?.find(([err]) => err !== null)
    if (failed !== undefined) throw failed[0]
    const sums = new Map<string, number>()
    for (const hash of hashes) {
      for (const [appId, value] of Object.entries(hash)) sums.set(appId, (sums.get(appId) ?? 0) + Number(value))
    }
    this.#elsewhere = sums
  }

  /** Forgets the other servers' counts (Redis unreachable: the limit falls back to this process's own count). */
  clear(): void {
    this.#elsewhere = new Map()
  }

  /** Deletes server `serverId`'s counts (it left, or was reaped). */
  async remove(serverId: string): Promise<void> {
    await this.#client.del(this.#hashOf(serverId))
  }
}
