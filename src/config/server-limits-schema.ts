import { Type } from 'typebox'

/** Defaults of the server's abuse bounds, in line with what reverse proxies use (HAProxy's `timeout http-request 10s`). */
export const SERVER_LIMIT_DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  frameTimeoutMs: 10_000,
  maxPendingPerAddress: 128,
} as const

/**
 * The `server` keys that bound what a client can hold before it is authenticated: HTTP timeouts (applied by
 * `herald serve` to its own server), the WebSocket frame deadline and the per-address cap on unfinished work.
 */
export const ServerLimitsProperties = {
  headersTimeoutMs: Type.Integer({
    minimum: 1000,
    default: SERVER_LIMIT_DEFAULTS.headersTimeoutMs,
    description: 'Longest a client may take to send request headers, WebSocket upgrades included (HERALD_HEADERS_TIMEOUT_MS). @default 10000',
  }),
  requestTimeoutMs: Type.Integer({
    minimum: 1000,
    default: SERVER_LIMIT_DEFAULTS.requestTimeoutMs,
    description: 'Longest a client may take to send a whole request, body included (HERALD_REQUEST_TIMEOUT_MS). @default 30000',
  }),
  keepAliveTimeoutMs: Type.Integer({
    minimum: 1000,
    default: SERVER_LIMIT_DEFAULTS.keepAliveTimeoutMs,
    description: 'How long an idle keep-alive HTTP connection is kept (HERALD_KEEP_ALIVE_TIMEOUT_MS). @default 72000',
  }),
  frameTimeoutMs: Type.Integer({
    minimum: 100,
    default: SERVER_LIMIT_DEFAULTS.frameTimeoutMs,
    description: 'Longest a WebSocket client may take to complete a frame it started; then close 1008 (HERALD_FRAME_TIMEOUT_MS). @default 10000',
  }),
  maxPendingPerAddress: Type.Integer({
    minimum: 0,
    default: SERVER_LIMIT_DEFAULTS.maxPendingPerAddress,
    description: 'Most unfinished HTTP requests and upgrades per client address; more get 503. 0 turns the cap off (HERALD_MAX_PENDING_PER_ADDRESS). @default 128',
  }),
}
