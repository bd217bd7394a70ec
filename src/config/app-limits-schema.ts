import { Type } from 'typebox'

/**
 * The rate limits an operator sets per app (spread into `AppSchema`). Each counts across a cluster's
 * servers when one runs; `null` means no limit.
 */
export const AppLimitsSchema = Type.Object({
  maxClientEventsPerSecond: Type.Integer({
    minimum: 1,
    default: 10,
    description: 'client-* events one connection may send per second (Pusher: 10); more are refused with 4301. @default 10',
  }),
  maxApiRequestsPerSecond: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    default: null,
    description: 'HTTP API requests per second for the app; more get 429 with Retry-After. @default null (no limit)',
  }),
  maxConnectionsPerIpPerSecond: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    default: null,
    description: 'New WebSocket connections per second from one IP address; more are refused with 4100 and closed. @default null (no limit)',
  }),
})
