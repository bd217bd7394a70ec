import { InvalidSocketIdError } from '../errors.js'

// `digits.digits`, as pusher-http-node and pusher-php validate it; anything else is refused before signing.
const SOCKET_ID = /^\d+\.\d+$/

/** True when `value` is a socket id of the form `digits.digits` (e.g. `1234.5678`). */
export function isValidSocketId(value: unknown): value is string {
  return typeof value === 'string' && SOCKET_ID.test(value)
}

/** Throws {@link InvalidSocketIdError} (naming the value) unless `value` is a valid socket id. */
export function assertValidSocketId(value: unknown): asserts value is string {
  if (!isValidSocketId(value)) throw new InvalidSocketIdError(typeof value === 'string' ? value : String(value))
}
