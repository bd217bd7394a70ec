/** Longest user id Pusher accepts on a presence channel. */
export const MAX_USER_ID_LENGTH = 128

/** How the authorizer turns a user into an id when member info carries none. */
export type UserIdResolver<User> = (user: User) => string | number

/** The default {@link UserIdResolver}: the user's `id` property. */
export function defaultUserId(user: unknown): string | number {
  const id = typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : undefined
  if (typeof id === 'string' || typeof id === 'number') return id
  throw new TypeError(`the user has no string or number 'id' (got ${describe(id)}); pass userId: (user) => … to the ChannelAuthorizer`)
}

/**
 * A user id as the protocol wants it: a non-empty string of at most {@link MAX_USER_ID_LENGTH} characters.
 * Numbers are stringified, because pusher-js refuses a numeric `id` on sign-in and keys members by string.
 * Returns an error message instead when `value` cannot be an id.
 */
export function normalizeUserId(value: unknown): { id: string } | { problem: string } {
  if (typeof value === 'number' && Number.isFinite(value)) return { id: String(value) }
  if (typeof value !== 'string' || value.length === 0) return { problem: `user id must be a non-empty string or a finite number (got ${describe(value)})` }
  if (value.length > MAX_USER_ID_LENGTH) return { problem: `user id must be at most ${MAX_USER_ID_LENGTH} characters (got ${value.length})` }
  return { id: value }
}

/**
 * Splits what a presence rule returned into `user_id` and `user_info`:
 * `{ user_id, user_info }` is taken as is; any other object is the `user_info`, and the id is its
 * `user_id` or `id` property when present, else `fallbackId()` (the authorizer's userId(user)).
 */
export function presenceMember(result: object, fallbackId: () => unknown): { userId: unknown; userInfo: unknown } {
  const r = result as { user_id?: unknown; id?: unknown; user_info?: unknown }
  const userId = r.user_id ?? r.id ?? fallbackId()
  return { userId, userInfo: 'user_info' in r ? r.user_info : result }
}

/** A short description of a value for error messages; never dumps large objects. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object') return 'an object'
  return typeof value === 'function' ? 'a function' : String(value)
}
