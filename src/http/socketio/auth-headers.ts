import type { Socket } from 'socket.io'

type Handshake = Socket['handshake']

/** Headers the client may not choose for the auth request (the request's own framing and routing). */
const RESERVED = new Set(['host', 'content-length', 'content-type', 'connection', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'keep-alive'])
/** Headers of the Socket.IO handshake passed on: the session cookie, and where the page is (Sanctum reads them). */
const FROM_HANDSHAKE = ['cookie', 'origin', 'referer'] as const
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const MAX_HEADERS = 32
const MAX_VALUE_LENGTH = 8192

function headersOf(auth: unknown): Record<string, unknown> {
  const headers = typeof auth === 'object' && auth !== null ? (auth as { headers?: unknown }).headers : undefined
  return typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : {}
}

/**
 * The headers of an auth request made for a Socket.IO client, as laravel-echo-server made them: Echo's
 * `auth.headers` (sent with `subscribe`, else with the handshake), plus the handshake's cookie, origin and referer.
 * Header names and values that HTTP would reject are left out rather than failing the request.
 */
export function authHeaders(subscribeAuth: unknown, handshake: Handshake): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of FROM_HANDSHAKE) {
    const value = handshake.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  const fromClient = Object.keys(headersOf(subscribeAuth)).length > 0 ? headersOf(subscribeAuth) : headersOf(handshake.auth)
  let count = 0
  for (const [name, value] of Object.entries(fromClient)) {
    if (count >= MAX_HEADERS) break
    const lower = name.toLowerCase()
    if (typeof value !== 'string' || !TOKEN.test(name) || RESERVED.has(lower) || value.length > MAX_VALUE_LENGTH || /[\r\n\0]/.test(value)) continue
    headers[lower] = value
    count++
  }
  return headers
}
