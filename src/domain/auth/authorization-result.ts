/**
 * Why an authorization was refused. The HTTP layer maps every denial to 403 in one place;
 * the reason is for logs and tests, the message for humans.
 */
export type DenialReason =
  /** No user: private and presence channels need an authenticated user. */
  | 'unauthenticated'
  /** The socket id is not `digits.digits`. */
  | 'invalid-socket-id'
  /** The channel name breaks the naming rules, or is a public channel (which needs no authorization). */
  | 'invalid-channel'
  /** No registered pattern matches the channel. */
  | 'no-matching-rule'
  /** The matching rule returned `false` (or nothing). */
  | 'denied'
  /** The matching rule threw or rejected; the error is kept in `error`. */
  | 'callback-threw'
  /** The matching rule's promise did not settle within `ruleTimeoutMs`. */
  | 'callback-timeout'
  /** A presence rule returned something other than usable member info, or the user id is missing. */
  | 'invalid-member'
  /** User authentication (`pusher:signin`) could not determine a usable user id. */
  | 'invalid-user'
  /** A `private-encrypted-` channel was requested but no encryption master key is configured. */
  | 'encryption-not-configured'
  /** The authorizer has no app key/secret yet (see `ChannelAuthorizer.setCredentials`). */
  | 'credentials-missing'

/** What `/broadcasting/auth` returns to pusher-js for a granted subscription. */
export interface PusherAuthPayload {
  /** `key:hex(HMAC-SHA256(secret, "socket_id:channel_name[:channel_data]"))`. */
  auth: string
  /** Presence only: the exact JSON string `{ user_id, user_info }` that was signed. */
  channel_data?: string
  /** `private-encrypted-` only: base64 per-channel key; not part of the signature. */
  shared_secret?: string
}

/** What the user-authentication endpoint returns to pusher-js for `pusher:signin`. */
export interface PusherUserAuthPayload {
  /** `key:hex(HMAC-SHA256(secret, "socket_id::user::user_data"))`. */
  auth: string
  /** The exact JSON string that was signed: `{ id, user_info? }` with `id` a non-empty string. */
  user_data: string
}

/** A refusal: a reason code, a message naming the channel or value, and the error a callback threw, if any. */
export interface AuthorizationDenial {
  allowed: false
  reason: DenialReason
  message: string
  /** Kept for logging when `reason` is `callback-threw` (or a serialization failure). */
  error?: unknown
}

/** The outcome of `ChannelAuthorizer.authorize`: the signed payload, or a denial. Never a thrown error. */
export type AuthorizationResult = { allowed: true; payload: PusherAuthPayload } | AuthorizationDenial

/** The outcome of `ChannelAuthorizer.authenticateUser`. */
export type UserAuthenticationResult = { allowed: true; payload: PusherUserAuthPayload } | AuthorizationDenial

/** Builds a denial; `error` is only set when given, as `exactOptionalPropertyTypes` wants. */
export function deny(reason: DenialReason, message: string, error?: unknown): AuthorizationDenial {
  return error === undefined ? { allowed: false, reason, message } : { allowed: false, reason, message, error }
}
