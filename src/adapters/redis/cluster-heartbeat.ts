import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { ClusterKeys } from './cluster-keys.js'
import type { ClusterRosterSync } from './cluster-roster-sync.js'
import type { ClusterSession } from './cluster-session.js'

/** Inputs of {@link ClusterHeartbeat}. */
export interface ClusterHeartbeatOptions {
  readonly keys: ClusterKeys
  readonly serverId: string
  readonly heartbeatMs: number
  readonly serverTtlMs: number
  readonly rosters: ClusterRosterSync
  /** This server's live connections per app, shared with the others every beat. */
  readonly localConnections: () => ReadonlyMap<string, number>
  /** This server's rate-limit hits per key in its last full second, shared every beat. @default none */
  readonly localRates?: () => ReadonlyMap<string, number>
  readonly logger: LoggerPort
}

/** Longest a dead server's removal is left to the server that claimed it before another retries. */
const REAP_CLAIM_MS = 30_000

/**
 * A server's heartbeat: every `heartbeatMs` it refreshes its registration, repairs the shared state
 * when Redis lost it or a write missed it, removes servers whose heartbeat expired, shares its
 * connection counts and runs a due roster resync.
 */
export class ClusterHeartbeat {
  readonly #o: ClusterHeartbeatOptions
  #session: ClusterSession | undefined
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #beating = false
  #reconcileWanted = true

  constructor(options: ClusterHeartbeatOptions) {
    this.#o = options
  }

  /** Starts beating on `session` (the first beat is the caller's, once Redis is ready). */
  start(session: ClusterSession): void {
    this.#session = session
    this.#timer = setInterval(() => void this.beat(), this.#o.heartbeatMs)
    this.#timer.unref()
  }

  /** Redis is back after an outage (or first connected): the shared state may be stale or empty; repair now. */
  repairNow(): void {
    this.#reconcileWanted = true
    void this.beat()
  }

  /** Stops beating (the server is leaving). */
  stop(): void {
    this.#stopped = true
    clearInterval(this.#timer)
  }

  /**
   * Deregisters this server: its presence members (announced as removed), counts and registration. Its departures
   * wait in Redis for a live server's heartbeat; when no other server is alive, this one confirms them all before
   * it goes (nobody could come back in time, and nobody else would send them).
   *
   * Deregistering before looking at the others makes two servers that leave together safe: whichever looks last
   * sees the other gone and confirms both servers' departures (the confirm scripts send each once).
   */
  async leave(): Promise<void> {
    const lifecycle = this.#session?.lifecycle
    // The departures of the connections just closed must be in Redis before this server stops counting as alive.
    await lifecycle?.settle()
    await this.#forget(this.#o.serverId)
    if (lifecycle !== undefined && !(await this.#othersAlive())) await lifecycle.confirmAll()
  }

  /** Whether some other registered server's heartbeat is still live. */
  async #othersAlive(): Promise<boolean> {
    const s = this.#session
    if (s === undefined) return false
    const others = (await s.store.smembers(this.#o.keys.servers)).filter((id) => id !== this.#o.serverId)
    const alive = await Promise.all(others.map((id) => s.store.exists(this.#o.keys.alive(id))))
    return alive.some((n) => n !== 0)
  }

  /** One beat; never rejects (the next beat, or the next 'ready', retries). */
  async beat(): Promise<void> {
    const s = this.#session
    // Without Redis the other servers' connections are unknown: maxConnections counts this process only.
    if (s !== undefined && s.store.status !== 'ready') {
      s.connections.clear()
      s.rates.clear()
    }
    if (s === undefined || this.#stopped || this.#beating || s.store.status !== 'ready') return
    this.#beating = true
    try {
      const { keys, serverId } = this.#o
      // Two commands rather than MULTI: the keys live in different slots on Redis Cluster.
      const [, added] = await Promise.all([s.store.set(keys.alive(serverId), '1', 'PX', this.#o.serverTtlMs), s.store.sadd(keys.servers, serverId)])
      // SADD adding us back means Redis lost our registration (restarted empty, or we were reaped).
      if (added === 1) this.#reconcileWanted = true
      if (this.#reconcileWanted || s.presence.dirty || s.occupancy.dirty) {
        this.#reconcileWanted = false
        await Promise.all([s.presence.reconcile(), s.occupancy.reconcile()])
        this.#o.logger.debug({ serverId }, 'herald cluster: shared state reconciled')
      }
      const servers = await s.store.smembers(keys.servers)
      await this.#reapDeadServers(s, servers)
      await Promise.all([s.connections.share(this.#o.localConnections(), servers), s.rates.share(this.#o.localRates?.() ?? new Map(), servers)])
      await this.#o.rosters.runDue(s)
      // Every server confirms due departures; the confirm scripts let each through once.
      await s.lifecycle?.sweep()
    } catch (err) {
      // The next beat (or the next 'ready') retries; an outage is logged by the connection itself.
      this.#reconcileWanted = true
      this.#o.logger.debug({ err }, 'herald cluster: heartbeat failed')
    } finally {
      this.#beating = false
    }
  }

  async #reapDeadServers(s: ClusterSession, servers: readonly string[]): Promise<void> {
    const { keys, serverId } = this.#o
    const others = servers.filter((id) => id !== serverId)
    if (others.length === 0) return
    const alive = await Promise.all(others.map((id) => s.store.exists(keys.alive(id))))
    for (const [i, id] of others.entries()) {
      if (alive[i] !== 0) continue
      // One server does the removal, so each member_removed is announced by exactly one server.
      if ((await s.store.set(keys.reaping(id), serverId, 'PX', REAP_CLAIM_MS, 'NX')) !== 'OK') continue
      const members = await this.#forget(id)
      // Released at once (not left to expire) so a server that returns and dies again is reaped in time;
      // a second reaper finds nothing left, and the leave script is idempotent, so nothing is announced twice.
      await s.store.del(keys.reaping(id))
      this.#o.logger.warn({ deadServer: id, members }, 'herald cluster: removed a server whose heartbeat expired')
    }
  }

  /** Removes a server's presence connections, channel counts and registration. */
  async #forget(serverId: string): Promise<number> {
    const s = this.#session
    if (s === undefined) return 0
    const { keys } = this.#o
    const members = await s.presence.reap(serverId)
    await s.occupancy.reap(serverId)
    await s.store.del(keys.channelCounts(serverId))
    await Promise.all([s.connections.remove(serverId), s.rates.remove(serverId)])
    await s.store.del(keys.alive(serverId))
    await s.store.srem(keys.servers, serverId)
    return members
  }
}
