import type { HeraldApp } from './herald-app.js'
import { RateLimiter } from './rate-limiter.js'

/** Inputs of {@link ServerRateLimits}. */
export interface ServerRateLimitsOptions {
  /** Clock in ms. @default Date.now */
  readonly now?: () => number
  /** Hits of a key (see {@link ServerRateLimits.lastWindow}) on the cluster's other servers in their last second. */
  readonly elsewhere?: (key: string) => number
}

/**
 * The per-app rate limits of one server that an operator sets: HTTP API requests per second
 * (`maxApiRequestsPerSecond`) and new connections per IP address per second
 * (`maxConnectionsPerIpPerSecond`). Decisions read counters in memory only; in a cluster the other
 * servers' counts of their last second (shared every heartbeat) count too.
 */
export class ServerRateLimits {
  readonly #limiter: RateLimiter

  constructor(options: ServerRateLimitsOptions = {}) {
    this.#limiter = new RateLimiter(options)
  }

  /** Counts an HTTP API request of `app`; false when the app is over its `maxApiRequestsPerSecond`. */
  allowApiRequest(app: HeraldApp): boolean {
    return app.maxApiRequestsPerSecond === null || this.#limiter.take(`api\0${app.id}`, app.maxApiRequestsPerSecond)
  }

  /** Counts a connection attempt from `ip`; false when that address is over the app's `maxConnectionsPerIpPerSecond`. */
  allowConnection(app: HeraldApp, ip: string | undefined): boolean {
    const limit = app.maxConnectionsPerIpPerSecond
    return limit === null || ip === undefined || this.#limiter.take(`ip\0${app.id}\0${ip}`, limit)
  }

  /** Whole seconds a refused caller should wait (at least 1), for `Retry-After`. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.#limiter.retryAfterMs() / 1000))
  }

  /** This server's counts of the last full second, keyed as {@link ServerRateLimitsOptions.elsewhere} is asked. */
  lastWindow(): ReadonlyMap<string, number> {
    return this.#limiter.lastWindow()
  }
}
