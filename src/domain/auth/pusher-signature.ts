import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** An app's public key and its secret, used to sign and verify. */
export interface AppCredentials {
  readonly key: string
  readonly secret: string
}

/** Hex HMAC-SHA256 of `payload` with `secret`, as every Pusher signature is computed. */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

/** Hex MD5, as the HTTP API's `body_md5` uses. */
export function md5Hex(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('hex')
}

/** Constant-time comparison of two signatures (hex or `key:hex` strings). */
export function verifyPusherSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  // timingSafeEqual needs equal lengths; comparing a against itself keeps the time independent of `given`.
  if (a.length !== b.length) {
    timingSafeEqual(a, a)
    return false
  }
  return timingSafeEqual(a, b)
}

/**
 * The `auth` value for a private/presence/encrypted subscription:
 * `key:HMAC(secret, "socket_id:channel_name[:channel_data]")`.
 */
export function signChannelAuth(credentials: AppCredentials, socketId: string, channelName: string, channelData?: string): string {
  const payload = channelData === undefined ? `${socketId}:${channelName}` : `${socketId}:${channelName}:${channelData}`
  return `${credentials.key}:${hmacSha256Hex(credentials.secret, payload)}`
}

/** The `auth` value for `pusher:signin`: `key:HMAC(secret, "socket_id::user::user_data")`. */
export function signUserAuth(credentials: AppCredentials, socketId: string, userData: string): string {
  return `${credentials.key}:${hmacSha256Hex(credentials.secret, `${socketId}::user::${userData}`)}`
}

/** Checks a subscription's `auth` against what this server would have signed. Constant-time. */
export function verifyChannelAuth(
  credentials: AppCredentials,
  socketId: string,
  channelName: string,
  auth: string,
  channelData?: string,
): boolean {
  return verifyPusherSignature(signChannelAuth(credentials, socketId, channelName, channelData), auth)
}

/** Checks a `pusher:signin` `auth` value. Constant-time. */
export function verifyUserAuth(credentials: AppCredentials, socketId: string, userData: string, auth: string): boolean {
  return verifyPusherSignature(signUserAuth(credentials, socketId, userData), auth)
}

/**
 * The per-channel key for `private-encrypted-` channels, as the Pusher SDKs derive it:
 * base64(SHA-256(channel_name bytes + master key bytes)).
 */
export function encryptedChannelSharedSecret(channelName: string, encryptionMasterKeyBase64: string): string {
  const masterKey = Buffer.from(encryptionMasterKeyBase64, 'base64')
  return createHash('sha256').update(Buffer.concat([Buffer.from(channelName), masterKey])).digest('base64')
}
