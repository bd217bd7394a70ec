import type { ClusterLifecycle } from './cluster-lifecycle.js'
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
  readonly #lifecycle: ClusterLifecycle | undefined
  #dirty = false

  /** With `lifecycle`, each change is also recorded per channel, so the cluster-wide occupied/vacated transitions are reported once. */
  constructor(client: RedisClient, keys: ClusterKeys, serverId: string, lifecycle?: ClusterLifecycle) {
    this.#client = client
    this.#keys = keys
    this.#serverId = serverId
    this.#lifecycle = lifecycle
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
    this.#lifecycle?.occupancy(appId, channel, n).catch(() => {
      this.#dirty = true
    })
  }

  /** Rewrites this server's hash from the local counts. */
  async reconcile(): Promise<void> {
    this.#dirty = false
    const key = this.#keys.channelCounts(this.#serverId)
    if (this.#lifecycle !== undefined) await this.#reconcileChannels(this.#lifecycle, await this.#client.hkeys(key))
    const pipeline = this.#client.multi().del(key)
    if (this.#counts.size > 0) pipeline.hset(key, Object.fromEntries(this.#counts))
    const results = await pipeline.exec()
    const failed = results?.find(([err]) => err !== null)
    if (failed !== undefined) {
      this.#dirty = true
      throw failed[0]
    }
  }

  /** Per-channel counts: this server's live ones, and 0 for channels it had in Redis but left meanwhile. */
  async #reconcileChannels(lifecycle: ClusterLifecycle, stored: readonly string[]): Promise<void> {
    const fields = new Set([...stored, ...this.#counts.keys()])
    const writes = [...fields].map(async (field) => {
      const parsed = parseChannelField(field)
      if (parsed !== undefined) await lifecycle.occupancy(parsed.appId, parsed.channel, this.#counts.get(field) ?? 0)
    })
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected')
    if (failed !== undefined) {
      this.#dirty = true
      throw failed.reason
    }
  }

  /** Removes dead (or leaving) server `serverId`'s counts from every channel, reporting the channels it leaves empty. */
  async reap(serverId: string): Promise<void> {
    const lifecycle = this.#lifecycle
    if (lifecycle === undefined) return
    for (const field of await this.#client.hkeys(this.#keys.channelCounts(serverId))) {
      const parsed = parseChannelField(field)
      if (parsed !== undefined) await lifecycle.occupancy(parsed.appId, parsed.channel, 0, serverId)
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
