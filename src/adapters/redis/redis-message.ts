/**
 * The message format of Laravel's Redis broadcaster, which Herald both writes and reads:
 * `{"event":"OrderShipped","data":{…},"socket":"1234.5678"|null}` published on `prefix + channel`.
 *
 * Herald servers add an optional `herald` member (ignored by other readers) carrying what the
 * Laravel format cannot: the app id and, for client events on presence channels, the sender's user id.
 */
export interface RedisBroadcastMessage {
  readonly event: string
  /** The payload (Laravel, the redis driver), or with `herald` set the wire string itself (HTTP API, client events). */
  readonly data: unknown
  readonly socket: string | null
  readonly herald?: { readonly app?: string; readonly user_id?: string }
}

/** Serialises one message (once per event; the same string is published to every channel). */
export function encodeRedisMessage(message: RedisBroadcastMessage): string {
  return JSON.stringify(message)
}

/** The fields a server needs to deliver a message from Redis. */
export interface DecodedRedisMessage {
  readonly event: string
  /** The Pusher frame's `data` string. */
  readonly data: string
  readonly socket: string | undefined
  readonly appId: string | undefined
  readonly userId: string | undefined
}

/**
 * Parses a message read from Redis; `undefined` (never a throw) when it is not in the broadcast
 * format, since anything may be published on a shared Redis.
 */
export function decodeRedisMessage(raw: string): DecodedRedisMessage | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const m = parsed as Record<string, unknown>
  if (typeof m['event'] !== 'string' || m['event'] === '' || !('data' in m)) return undefined
  const fromHerald = typeof m['herald'] === 'object' && m['herald'] !== null
  const herald = fromHerald ? (m['herald'] as Record<string, unknown>) : {}
  // A Herald server's message carries the wire string itself; anything else carries a payload,
  // serialised exactly as the local driver does, so switching drivers never changes what clients get.
  const data = fromHerald && typeof m['data'] === 'string' ? m['data'] : JSON.stringify(m['data'] ?? {})
  const socket = typeof m['socket'] === 'string' && m['socket'] !== '' ? m['socket'] : undefined
  return {
    event: m['event'],
    data,
    socket,
    appId: typeof herald['app'] === 'string' ? herald['app'] : undefined,
    userId: typeof herald['user_id'] === 'string' ? herald['user_id'] : undefined,
  }
}
