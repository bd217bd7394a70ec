import { DEFAULT_VACATE_DELAY_MS } from '../../domain/lifecycle/lifecycle-delay.js'
import type { LifecycleEvent, LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { ClusterKeys } from './cluster-keys.js'
import type { RedisClient } from './redis-connection.js'

/**
 * Sets one server's subscription count of a channel (absolute; 0 removes it) and answers, atomically, what that
 * did to the cluster-wide total: 1 occupied (0 → n), 2 occupied again while a `channel_vacated` was pending (the
 * pending one is cancelled, nothing to send), -1 vacated (n → 0: a pending vacate with token ARGV[3] is set), 0 none.
 */
const OCCUPANCY_SCRIPT = `
local function total()
  local t = 0
  for _, v in ipairs(redis.call('HVALS', KEYS[1])) do t = t + tonumber(v) end
  return t
end
local before = total()
if tonumber(ARGV[2]) > 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) else redis.call('HDEL', KEYS[1], ARGV[1]) end
local after = total()
if before == 0 and after > 0 then
  if redis.call('DEL', KEYS[2]) == 1 then return 2 end
  return 1
end
if before > 0 and after == 0 then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  return -1
end
return 0
`

/** A pending `channel_vacated` is confirmed (1) only if its token is still the pending one: nobody came back. */
const CONFIRM_VACATE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`

/** A pending `member_removed` is confirmed (1) only if its token is still the user's pending one. */
const CONFIRM_LEAVE_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
`

interface LifecycleCommands {
  heraldOccupancy(counts: string, vacating: string, serverId: string, count: number, token: string, ttlMs: number): Promise<number>
  heraldConfirmVacate(vacating: string, token: string): Promise<number>
  heraldConfirmLeave(leaving: string, userId: string, token: string): Promise<number>
}

/** A departure waiting in the ZSET: what it is and the token that must still be pending when it is due. */
type Departure = readonly ['channel' | 'member', appId: string, channel: string, userId: string, token: string]

/** Pending markers outlive their delay by this much, then expire (a departure nobody confirmed is dropped). */
const MARKER_TTL_MS = 10 * 60_000
/** Most departures one sweep confirms. */
const SWEEP_BATCH = 200

/** Inputs of {@link ClusterLifecycle}. */
export interface ClusterLifecycleOptions {
  readonly client: RedisClient
  readonly keys: ClusterKeys
  readonly serverId: string
  /** Where settled events go (webhooks, hooks): each once for the whole cluster. */
  readonly observer: LifecycleObserver
  readonly logger: LoggerPort
  /** @default 3000 */
  readonly delayMs?: number | undefined
}

/**
 * Lifecycle events of a cluster, each reported by exactly one server and without a leader: the server whose
 * write made the cluster-wide transition (a Lua script answers atomically whether this call took a channel's
 * total from 0, or to 0; the presence scripts do the same for a user's connections) reports it. Departures wait
 * in Redis: the transition leaves a token and a ZSET entry due `delayMs` later; a return within the delay clears
 * the token (and reports nothing); every server's heartbeat confirms due entries, and the confirm script lets
 * only the first confirmation of a still-pending token through. So a member who leaves on one server and comes
 * back on another within the delay produces nothing, and a departure survives the server that recorded it.
 */
export class ClusterLifecycle {
  readonly #client: RedisClient
  readonly #commands: LifecycleCommands
  readonly #keys: ClusterKeys
  readonly #serverId: string
  readonly #observer: LifecycleObserver
  readonly #logger: LoggerPort
  readonly #delayMs: number
  /** Departure writes still on their way to Redis (a closing server waits for them before it may confirm). */
  readonly #inflight = new Set<Promise<unknown>>()
  #tokens = 0

  constructor(options: ClusterLifecycleOptions) {
    this.#client = options.client
    this.#keys = options.keys
    this.#serverId = options.serverId
    this.#observer = options.observer
    this.#logger = options.logger
    this.#delayMs = options.delayMs ?? DEFAULT_VACATE_DELAY_MS
    options.client.defineCommand('heraldOccupancy', { numberOfKeys: 2, lua: OCCUPANCY_SCRIPT })
    options.client.defineCommand('heraldConfirmVacate', { numberOfKeys: 1, lua: CONFIRM_VACATE_SCRIPT })
    options.client.defineCommand('heraldConfirmLeave', { numberOfKeys: 1, lua: CONFIRM_LEAVE_SCRIPT })
    this.#commands = options.client as unknown as LifecycleCommands
  }

  /** A token unique in the cluster, marking one pending departure. */
  token(): string {
    return `${this.#serverId}:${++this.#tokens}`
  }

  /** How long a pending-departure marker lives, ms (set by the presence leave script too). */
  get markerTtlMs(): number {
    return this.#delayMs + MARKER_TTL_MS
  }

  /** Records `serverId`'s subscription count of a channel (0 removes it) and reports an occupancy transition. Rejects on Redis errors. */
  occupancy(appId: string, channel: string, count: number, serverId = this.#serverId): Promise<void> {
    return this.track(this.#occupancy(appId, channel, count, serverId))
  }

  /** Keeps `work` (a write that may record a departure) in sight until it settles; see {@link settle}. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work)
    const done = (): void => void this.#inflight.delete(work)
    work.then(done, done)
    return work
  }

  /** Resolves once every tracked write has settled (failed ones too: they are the reconcile's to repair). */
  async settle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
  }

  async #occupancy(appId: string, channel: string, count: number, serverId: string): Promise<void> {
    const [counts, vacating] = this.#keys.occupancy(appId, channel)
    const token = this.token()
    const result = await this.#commands.heraldOccupancy(counts, vacating, serverId, count, token, this.markerTtlMs)
    if (result === 1) this.#observer.observe({ name: 'channel_occupied', appId, channel })
    else if (result === -1) await this.#due(['channel', appId, channel, '', token])
  }

  /** The presence join script's answer for a connection: 1 is a user new to the cluster (2 is one back within the delay). */
  memberJoined(appId: string, channel: string, userId: string, first: number): void {
    if (first === 1) this.#observer.observe({ name: 'member_added', appId, channel, userId })
  }

  /** The presence leave script set `token` pending for the user's last connection: its `member_removed` is due after the delay. */
  async memberLeft(appId: string, channel: string, userId: string, token: string): Promise<void> {
    await this.#due(['member', appId, channel, userId, token])
  }

  /** Reports the departures that are due and still pending (once for the cluster: the confirm scripts decide). */
  async sweep(now = Date.now()): Promise<void> {
    await this.#sweep(now)
  }

  /**
   * Reports every pending departure now, due or not: the last live server is leaving, so nobody can come back
   * within the delay and nobody else would confirm them. Still once: the confirm scripts let a token through once,
   * whichever server (a late one sweeping too) gets there first.
   */
  async confirmAll(): Promise<void> {
    await this.settle()
    let taken: number
    do taken = await this.#sweep('+inf')
    while (taken === SWEEP_BATCH)
  }

  /** Confirms one batch of departures due by `until`; answers how many entries it took. */
  async #sweep(until: number | '+inf'): Promise<number> {
    const due = await this.#client.zrangebyscore(this.#keys.departures, 0, until, 'LIMIT', 0, SWEEP_BATCH)
    for (const raw of due) {
      const departure = decodeDeparture(raw)
      if (departure !== undefined && (await this.#confirm(departure))) this.#observer.observe(eventOf(departure))
      // Whoever gets here removes it; a second remover finds nothing, and the confirm already said no.
      await this.#client.zrem(this.#keys.departures, raw)
    }
    return due.length
  }

  async #due(departure: Departure): Promise<void> {
    await this.#client.zadd(this.#keys.departures, Date.now() + this.#delayMs, JSON.stringify(departure))
  }

  async #confirm([kind, appId, channel, userId, token]: Departure): Promise<boolean> {
    const confirmed = kind === 'channel'
      ? await this.#commands.heraldConfirmVacate(this.#keys.occupancy(appId, channel)[1], token)
      : await this.#commands.heraldConfirmLeave(this.#keys.presenceLeaving(appId, channel), userId, token)
    if (confirmed !== 1) this.#logger.debug({ channel, userId, kind }, 'herald cluster: departure cancelled by a return within the delay')
    return confirmed === 1
  }
}

function eventOf([kind, appId, channel, userId]: Departure): LifecycleEvent {
  return kind === 'channel' ? { name: 'channel_vacated', appId, channel } : { name: 'member_removed', appId, channel, userId }
}

function decodeDeparture(raw: string): Departure | undefined {
  try {
    const v = JSON.parse(raw) as unknown
    if (Array.isArray(v) && v.length === 5 && (v[0] === 'channel' || v[0] === 'member') && v.every((x) => typeof x === 'string')) return v as unknown as Departure
  } catch {
    // Not ours: dropped by the caller's ZREM, it names no departure we recorded.
  }
  return undefined
}
