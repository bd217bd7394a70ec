/** Inputs of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Length of one counting window, ms. @default 1000 */
  readonly windowMs?: number
  /** Clock in ms; injectable for tests. @default Date.now */
  readonly now?: () => number
  /**
   * Hits of `key` on the other servers of a cluster in their last full window (at most a heartbeat old),
   * so a limit holds for the cluster together. @default none: the limit counts this process only
   */
  readonly elsewhere?: (key: string) => number
}

/**
 * Fixed-window counters per key (an app, or an app and an IP address): `take` is a map lookup, no I/O,
 * so it can sit on the connect and API hot paths. Memory holds only the keys seen in the current and
 * the previous window; the previous window's counts are what this server shares with a cluster.
 */
export class RateLimiter {
  readonly #windowMs: number
  readonly #now: () => number
  readonly #elsewhere: ((key: string) => number) | undefined
  #window = -1
  #current = new Map<string, number>()
  #previous: ReadonlyMap<string, number> = new Map()

  constructor(options: RateLimiterOptions = {}) {
    this.#windowMs = options.windowMs ?? 1000
    this.#now = options.now ?? Date.now
    this.#elsewhere = options.elsewhere
  }

  /** Counts one hit of `key` and returns true, or returns false (counting nothing) when `limit` is reached. */
  take(key: string, limit: number): boolean {
    this.#roll()
    const count = this.#current.get(key) ?? 0
    if (count + (this.#elsewhere?.(key) ?? 0) >= limit) return false
    this.#current.set(key, count + 1)
    return true
  }

  /** Milliseconds until the current window ends (a refused caller's `Retry-After`). */
  retryAfterMs(): number {
    return this.#windowMs - (this.#now() % this.#windowMs)
  }

  /** The hits of the last full window, per key: what a cluster member shares with the others. */
  lastWindow(): ReadonlyMap<string, number> {
    this.#roll()
    return this.#previous
  }

  #roll(): void {
    const window = Math.floor(this.#now() / this.#windowMs)
    if (window === this.#window) return
    // Counts older than one window say nothing about now: forget them.
    this.#previous = window === this.#window + 1 ? this.#current : new Map()
    this.#current = new Map()
    this.#window = window
  }
}
