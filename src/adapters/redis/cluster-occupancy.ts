import { ClusterKeys, channelField, parseChannelField } from './cluster-keys.js'
import type { RedisClient } from './redis-connection.js'

/**
 * Subscription counts per channel, cluster-wide: each server keeps its own counts in its own hash
 * (so a dead server's counts vanish with it) and a query sums the hashes of registered servers.
 * This process's counts are mirrored locally and rewritten whole by {@link reconcile}.
 */
export class ClusterOccupancy {
  readonly #client: RedisClient
  readonly #keys: ClusterKeys
  readonly #serverId: string
  readonly #counts = new Map<string, number>()
  #dirty = false

  constructor(client: RedisClient, keys: ClusterKeys, serverId: string) {
    this.#client = client
    this.#keys = keys
    this.#serverId = serverId
  }

  get dirty(): boolean {
    return this.#dirty
  }

  /** Counts one local subscription more (+1) or less (-1). Never throws; a lost write marks dirty. */
  change(appId: string, channel: string, delta: 1 | -1): void {
    const field = channelField(appId, channel)
    const n = (this.#counts.get(field) ?? 0) + delta
    if (n > 0) this.#counts.set(field, n)
    else this.#counts.delete(field)
    if (this.#client.status !== 'ready') {
      this.#dirty = true
      return
    }
    const key = this.#keys.channelCounts(this.#serverId)
    const write = n > 0 ? this.#client.hset(key, field, n) : this.#client.hdel(key, field)
    // Absolute values (not HINCRBY), so a lost write is repaired by the next one or by reconcile.
    write.catch(() => {
      this.#dirty = true
    })
  }

  /** Rewrites this server's hash from the local counts. */
  async reconcile(): Promise<void> {
    this.#dirty = false
    const key = this.#keys.channelCounts(this.#serverId)
    const pipeline = this.#client.multi().del(key)
    if (this.#counts.size > 0) pipeline.hset(key, Object.fromEntries(this.#counts))
    const results = await pipeline.exec()
    const failed = results?.find(([err]) => err !== null)
    if (failed !== undefined) {
      this.#dirty = true
      throw failed[0]
    }
  }

  /** Sums the counts of every registered server, for one app, keeping channels matching `accept`. */
  async totals(appId: string, accept: (channel: string) => boolean): Promise<Map<string, number>> {
    const servers = await this.#client.smembers(this.#keys.servers)
    if (!servers.includes(this.#serverId)) servers.push(this.#serverId)
    const hashes = await Promise.all(servers.map((id) => this.#client.hgetall(this.#keys.channelCounts(id))))
    const totals = new Map<string, number>()
    for (const hash of hashes) {
      for (const [field, value] of Object.entries(hash)) {
        const parsed = parseChannelField(field)
        if (parsed === undefined || parsed.appId !== appId || !accept(parsed.channel)) continue
        totals.set(parsed.channel, (totals.get(parsed.channel) ?? 0) + Number(value))
      }
    }
    return totals
  }

  /** This process's counts only (while Redis is unreachable). */
  localTotals(appId: string, accept: (channel: string) => boolean): Map<string, number> {
    const totals = new Map<string, number>()
    for (const [field, n] of this.#counts) {
      const parsed = parseChannelField(field)
      if (parsed !== undefined && parsed.appId === appId && accept(parsed.channel)) totals.set(parsed.channel, n)
    }
    return totals
  }
}
