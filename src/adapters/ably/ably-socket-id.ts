/** Who published, as Ably needs it to keep a message from its own connection (toOthers). */
export interface AblySocketId {
  readonly connectionKey: string
  readonly clientId: string | null
}

/**
 * Reads the socket id `@ably/laravel-echo` sends in `X-Socket-ID`: base64url of
 * `{"connectionKey": "...", "clientId": "..." | null}` (ably/laravel-broadcaster's format).
 * Any other string (an older client's raw connection key, a Pusher-style `1234.5678`) is taken as the
 * connection key itself, as laravel/framework's own Ably broadcaster does.
 */
export function parseAblySocketId(socketId: string): AblySocketId {
  const decoded = tryDecodeJsonObject(socketId)
  if (decoded !== undefined && typeof decoded['connectionKey'] === 'string' && decoded['connectionKey'] !== '') {
    const clientId = decoded['clientId']
    return { connectionKey: decoded['connectionKey'], clientId: typeof clientId === 'string' && clientId !== '' ? clientId : null }
  }
  return { connectionKey: socketId, clientId: null }
}

// Printable ASCII without spaces: what an Ably connection key, a Pusher id or base64url can contain.
// Anything else (blank, whitespace, control or non-ASCII characters, a runaway length) is no socket id.
const RAW_SOCKET_ID = /^[\x21-\x7e]{1,2048}$/

/**
 * The `ably` driver's socket-id rule for `toOthers`: any id {@link parseAblySocketId} can use, that is
 * `@ably/laravel-echo`'s base64url `{connectionKey, clientId}` or a raw connection key (which includes
 * a Pusher-style `1234.5678`, passed through as laravel/framework does); printable ASCII, at most 2048
 * characters. A base64url JSON object without a non-empty string `connectionKey` is refused: it is
 * a malformed `@ably/laravel-echo` id, not a connection key.
 */
export function isValidAblySocketId(socketId: unknown): socketId is string {
  if (typeof socketId !== 'string' || !RAW_SOCKET_ID.test(socketId)) return false
  const decoded = tryDecodeJsonObject(socketId)
  if (decoded === undefined) return true
  const { connectionKey, clientId } = decoded
  return typeof connectionKey === 'string' && connectionKey !== '' && (clientId === undefined || clientId === null || typeof clientId === 'string')
}

/** Encodes a socket id the way `@ably/laravel-echo` does; the inverse of {@link parseAblySocketId}. */
export function formatAblySocketId(socketId: AblySocketId): string {
  return Buffer.from(JSON.stringify({ connectionKey: socketId.connectionKey, clientId: socketId.clientId })).toString('base64url')
}

function tryDecodeJsonObject(text: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return undefined
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined // not JSON: the caller treats the string as a raw connection key
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}
