interface CachedEvent {
  readonly frame: string
  readonly at: number
}

const CACHE_PREFIXES = ['cache-', 'private-cache-', 'private-encrypted-cache-', 'presence-cache-'] as const

/** True for `cache-`, `private-cache-`, `private-encrypted-cache-` and `presence-cache-` channels. */
export function isCacheChannel(channel: string): boolean {
  return CACHE_PREFIXES.some((p) => channel.startsWith(p))
}

/** The last event of each cache channel, as a frame, kept for `ttlMs` (keyed by app and channel). */
export class ChannelEventCache {
  readonly #entries = new Map<string, CachedEvent>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs
    this.#now = now
  }

  /** Cached channels (expired ones included until they are dropped), for leak tests. */
  get size(): number {
    return this.#entries.size
  }

  /** The cached frame under `key`, if still fresh; an expired one is dropped. */
  frame(key: string): string | undefined {
    const cached = this.#entries.get(key)
    if (cached === undefined) return undefined
    if (this.#now() - cached.at > this.#ttlMs) {
      this.#entries.delete(key)
      return undefined
    }
    return cached.frame
  }

  /**
   * Caches a channel's last event. Entries are kept in write order (re-inserted on update), so
   * expired ones are dropped from the front as new ones come: without it, events to many distinct
   * cache channels nobody reads again (`cache-user.<id>`) would grow the map forever.
   */
  remember(key: string, frame: string): void {
    const now = this.#now()
    this.#entries.delete(key)
    this.#entries.set(key, { frame, at: now })
    for (const [oldest, cached] of this.#entries) {
      if (now - cached.at <= this.#ttlMs) break
      this.#entries.delete(oldest)
    }
  }
}
