import type { ServerOptions } from 'node:http'
import type { HeraldConfig } from '../config/schema.js'

/** How often Node checks its connections against the headers and request timeouts (its default is 30 s). */
const MAX_CHECK_INTERVAL_MS = 1000

/** The Fastify server options {@link serverTimeoutOptions} returns. */
export interface ServerTimeoutOptions {
  readonly requestTimeout: number
  readonly keepAliveTimeout: number
  readonly http: ServerOptions
}

/**
 * Fastify/Node options that bound how long a client may hold a socket without finishing a request:
 * headers (WebSocket upgrades included), the whole request with its body, and idle keep-alive. Upgraded
 * WebSockets are not affected (`ws` clears the socket timeout; FrameGuards bound them instead).
 * Node requires the headers timeout to be at most the request timeout, so it is capped there.
 */
export function serverTimeoutOptions(server: HeraldConfig['server']): ServerTimeoutOptions {
  const headersTimeout = Math.min(server.headersTimeoutMs, server.requestTimeoutMs)
  return {
    requestTimeout: server.requestTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: server.requestTimeoutMs,
      keepAliveTimeout: server.keepAliveTimeoutMs,
      // Checked this often, a stalled request is dropped within its timeout plus at most a second.
      connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(headersTimeout / 4)),
    },
  }
}
