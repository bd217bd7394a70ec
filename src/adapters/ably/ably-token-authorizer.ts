import { createHmac } from 'node:crypto'
import { verifyPusherSignature } from '../../domain/auth/pusher-signature.js'
import { isGuardedAblyChannel, toAblyChannelName } from './ably-channel-names.js'

/** The options the token authorizer needs; the `ably` driver's options fit. */
export interface AblyTokenOptions {
  /** Ably API key `keyName:keySecret`; the JWT is signed with the secret and names the key in `kid`. */
  readonly key: string
  /** Token lifetime. @default 3600000 (1 hour, Laravel's `token_expiry` default) */
  readonly tokenTtlMs?: number | undefined
  /** Grant `subscribe`, `history`, `channel-metadata` on `public:*`. @default true */
  readonly publicChannels?: boolean | undefined
}

/** One `/broadcasting/auth` request from `@ably/laravel-echo`, after the app has authorised the user. */
export interface AblyAuthRequest {
  /**
   * `channel_name` as sent: an Ably name (`private:orders.1`, what `@ably/laravel-echo` sends) or a wire
   * name (`private-orders.1`). `null`/absent when the client asks for its connection token.
   */
  readonly channelName?: string | null | undefined
  /** `token` as sent: the JWT the client already holds. Its capabilities are kept when it is still valid for the same user. */
  readonly token?: string | null | undefined
  /** The authenticated user's id (Laravel: `getAuthIdentifierForBroadcasting()`), sent as `x-ably-clientId`. */
  readonly userId?: string | number | null | undefined
  /** Capability granted on the channel. @default ['*'] (Laravel: the `capability` key of the channel callback's result). */
  readonly capability?: readonly string[] | undefined
  /** Presence data for a presence channel (the channel callback's result, `capability` removed); returned as `info`. */
  readonly userInfo?: unknown
  /** The current time in ms; for tests. @default Date.now() */
  readonly nowMs?: number | undefined
}

/** The JSON body `/broadcasting/auth` answers with for `@ably/laravel-echo`. */
export interface AblyAuthResponse {
  /** A JWT (HS256) with `x-ably-capability` and `x-ably-clientId` claims, accepted by Ably as a token. */
  readonly token: string
  /** Presence member data, when the channel callback returned some. */
  readonly info?: unknown
}

const DEFAULT_TTL_MS = 3_600_000
/** @ably/laravel-echo renews about 30 s before expiry; a reused token that close to expiry gets a fresh lifetime. */
const RENEW_WITHIN_S = 30
const PUBLIC_CAPABILITY = ['subscribe', 'history', 'channel-metadata'] as const
/** Laravel's `disable_public_channels`: public channels stay visible (metadata) but cannot be subscribed. */
const PUBLIC_CAPABILITY_DISABLED = ['channel-metadata'] as const

type Capabilities = Record<string, readonly string[]>

interface Claims {
  readonly iat: number
  readonly exp: number
  readonly 'x-ably-clientId': string | null
  readonly 'x-ably-capability': string
}

/**
 * Builds the `/broadcasting/auth` answer for `@ably/laravel-echo`, as ably/laravel-broadcaster's
 * `AblyBroadcaster::auth` does: a JWT signed with the Ably key's secret whose `x-ably-capability`
 * grants the requested private/presence channel (plus `public:*`), merged with the capabilities of
 * the still-valid token the client sent, so one token accumulates the client's channels.
 *
 * Call it only after the app has decided the user may join the channel; it signs whatever it is given.
 *
 * @example
 * // POST /broadcasting/auth  { channel_name: 'private:orders.1', token: '<previous jwt>' }
 * const body = createAblyAuthResponse({ key: process.env.ABLY_KEY! }, {
 *   channelName: req.body.channel_name, token: req.body.token, userId: user.id,
 * })
 * reply.send(body) // { token: 'eyJ…' }
 */
export function createAblyAuthResponse(options: AblyTokenOptions, request: AblyAuthRequest): AblyAuthResponse {
  const { keyName, keySecret } = splitAblyKey(options.key)
  const now = Math.floor((request.nowMs ?? Date.now()) / 1000)
  const ttl = Math.max(1, Math.floor((options.tokenTtlMs ?? DEFAULT_TTL_MS) / 1000))
  const clientId = request.userId === undefined || request.userId === null ? null : String(request.userId)

  let iat = now
  let exp = now + ttl
  let capabilities: Capabilities = {
    'public:*': options.publicChannels === false ? PUBLIC_CAPABILITY_DISABLED : PUBLIC_CAPABILITY,
  }
  const previous = request.token ? readOwnToken(request.token, keySecret, now) : undefined
  if (previous !== undefined && previous.claims['x-ably-clientId'] === clientId) {
    capabilities = previous.capabilities
    if (previous.claims.exp - now > RENEW_WITHIN_S) {
      iat = previous.claims.iat
      exp = previous.claims.exp
    }
  }

  const channel = request.channelName ? toAblyName(request.channelName) : undefined
  if (channel !== undefined && isGuardedAblyChannel(channel)) {
    capabilities = { ...capabilities, [channel]: request.capability ?? ['*'] }
  }

  const claims: Claims = { iat, exp, 'x-ably-clientId': clientId, 'x-ably-capability': JSON.stringify(capabilities) }
  const token = signJwt({ typ: 'JWT', alg: 'HS256', kid: keyName }, claims, keySecret)
  return request.userInfo === undefined || request.userInfo === null ? { token } : { token, info: request.userInfo }
}

/** Splits `keyName:keySecret`; throws naming the problem (never the secret) when the key is malformed. */
export function splitAblyKey(key: string): { keyName: string; keySecret: string } {
  const colon = key.indexOf(':')
  if (colon <= 0 || colon === key.length - 1) {
    throw new TypeError("Ably key must look like 'appId.keyId:keySecret' (ABLY_KEY)")
  }
  return { keyName: key.slice(0, colon), keySecret: key.slice(colon + 1) }
}

/** Ably names pass through; wire names (`private-x`) are mapped. */
function toAblyName(name: string): string {
  return /^(private|presence|public):/.test(name) ? name : toAblyChannelName(name)
}

function signJwt(header: object, claims: Claims, secret: string): string {
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/**
 * The claims of a token this key signed that has not expired, or `undefined` for anything else
 * (malformed, foreign, tampered, expired): the caller then issues a fresh token, so a bad token can
 * only lose the client its earlier capabilities, never gain any.
 */
function readOwnToken(token: string, secret: string, now: number): { claims: Claims; capabilities: Capabilities } | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, payload, signature] = parts as [string, string, string]
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  if (!verifyPusherSignature(expected, signature)) return undefined
  const claims = parseJson(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims> | undefined
  if (claims === undefined || typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp <= now) return undefined
  if (typeof claims['x-ably-capability'] !== 'string') return undefined
  const capabilities = parseJson(claims['x-ably-capability'])
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) return undefined
  const clientId = claims['x-ably-clientId']
  return {
    claims: {
      iat: claims.iat,
      exp: claims.exp,
      'x-ably-clientId': typeof clientId === 'string' ? clientId : null,
      'x-ably-capability': claims['x-ably-capability'],
    },
    capabilities: capabilities as Capabilities,
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined // signed by us yet unparsable cannot happen; treated as "no usable token"
  }
}
