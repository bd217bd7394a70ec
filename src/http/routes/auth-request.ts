import type { FastifyRequest } from 'fastify'
import { isValidSocketId } from '../../domain/auth/socket-id.js'
import { isValidChannelName } from '../../domain/channels/channel-name.js'
import { InvalidRequestError, UnauthenticatedError } from '../../domain/errors.js'

/**
 * The hook the app supplies to say who sent an auth request (a Bearer token, a session…).
 * `null`, `undefined` or `false` means nobody: the endpoint answers 401.
 */
export type Authenticate = (request: FastifyRequest) => unknown

/** Runs the app's `authenticate` hook; throws {@link UnauthenticatedError} when it finds nobody. A hook that throws propagates (500). */
export async function authenticatedUser(authenticate: Authenticate, request: FastifyRequest): Promise<unknown> {
  const user: unknown = await authenticate(request)
  if (user === null || user === undefined || user === false) throw new UnauthenticatedError()
  return user
}

/** A body field as a string, or a 400 naming the field. */
function stringField(body: unknown, field: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined
  if (typeof value !== 'string' || value === '') throw new InvalidRequestError(field, `is required (got ${value === undefined ? 'nothing' : JSON.stringify(value)})`)
  return value
}

/** The `socket_id` field, which must be `digits.digits`. */
export function socketIdField(body: unknown): string {
  const socketId = stringField(body, 'socket_id')
  if (!isValidSocketId(socketId)) throw new InvalidRequestError('socket_id', `${JSON.stringify(socketId)} is not a socket id (expected digits.digits, e.g. "1234.5678")`)
  return socketId
}

/** The `channel_name` field, which must follow the channel naming rules. */
export function channelNameField(body: unknown): string {
  const channel = stringField(body, 'channel_name')
  if (!isValidChannelName(channel)) {
    throw new InvalidRequestError('channel_name', `${JSON.stringify(channel)} is not a valid channel name (letters, digits and - _ = @ , . ; up to 200 characters)`)
  }
  return channel
}
