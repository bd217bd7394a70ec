/**
 * Pusher's error and close codes, named after the protocol's table (pusher-protocol.md §1.8).
 * 4000–4099: do not reconnect; 4100–4199: reconnect after a backoff; 4200–4299: reconnect now;
 * 4300–4399: errors sent as `pusher:error` without closing.
 */
export const PusherCloseCode = {
  ApplicationOnlyAcceptsSsl: 4000,
  ApplicationDoesNotExist: 4001,
  ApplicationDisabled: 4003,
  ApplicationIsOverConnectionQuota: 4004,
  PathNotFound: 4005,
  InvalidVersionStringFormat: 4006,
  UnsupportedProtocolVersion: 4007,
  NoProtocolVersionSupplied: 4008,
  ConnectionIsUnauthorized: 4009,
  OverCapacity: 4100,
  GenericReconnectImmediately: 4200,
  PongReplyNotReceivedInTime: 4201,
  ClosedAfterInactivity: 4202,
  ClientEventRejected: 4301,
  WatchlistLimitExceeded: 4302,
} as const

export type PusherCloseCode = (typeof PusherCloseCode)[keyof typeof PusherCloseCode]
