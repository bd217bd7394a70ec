import type { FastifyRequest } from 'fastify'
import { fromAblyChannelName, isGuardedAblyChannel } from '../../adapters/ably/ably-channel-names.js'
import { authorizeAblyChannel, type AblyChannelAuthorizationResult, type AblyChannelRules } from '../../adapters/ably/ably-channel-authorization.js'
import type { AblyTokenOptions } from '../../adapters/ably/ably-token-authorizer.js'
import { isValidChannelName } from '../../domain/channels/channel-name.js'
import { InvalidRequestError } from '../../domain/errors.js'
import { authenticatedUser, type Authenticate } from './auth-request.js'

/**
 * True for the body `@ably/laravel-echo` posts to `/broadcasting/auth`: JSON `{ channel_name, token }`
 * with no `socket_id` (ably-js has no Pusher socket id; the connection token is asked for with
 * `channel_name: null`). A body with `socket_id` is pusher-js's and keeps the Pusher answer.
 */
export function isAblyAuthRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !('socket_id' in body)
}

/** One parsed `@ably/laravel-echo` auth request. */
export interface AblyAuthFields {
  /** `private:x` / `presence:x` / `public:x`, or `null` for the connection token. */
  readonly channelName: string | null
  /** The JWT the client already holds, if any. */
  readonly token: string | null
}

/** Reads `channel_name` and `token`; a 400 naming the field for anything `@ably/laravel-echo` never sends. */
export function ablyAuthFields(body: Record<string, unknown>): AblyAuthFields {
  const channel = body['channel_name']
  const token = body['token']
  if (token !== undefined && token !== null && typeof token !== 'string') {
    throw new InvalidRequestError('token', `must be a string or null (got ${JSON.stringify(token)})`)
  }
  if (channel === undefined || channel === null || channel === '') return { channelName: null, token: token ?? null }
  if (typeof channel !== 'string') throw new InvalidRequestError('channel_name', `must be a string or null (got ${JSON.stringify(channel)})`)
  // @ably/laravel-echo always sends Ably names; a bare name would silently get no channel capability.
  if (!/^(private|presence|public):/.test(channel) || !isValidChannelName(fromAblyChannelName(channel))) {
    throw new InvalidRequestError(
      'channel_name',
      `${JSON.stringify(channel)} is not an Ably channel name (expected private:, presence: or public: followed by a valid channel name)`,
    )
  }
  return { channelName: channel, token: token ?? null }
}

/**
 * The `/broadcasting/auth` decision for `@ably/laravel-echo` (ably/laravel-broadcaster's `auth`): a
 * private/presence channel needs a user (401 otherwise) and the channel rules' consent (403 otherwise);
 * the connection token and public channels are also issued to guests (`x-ably-clientId: null`, public
 * capabilities only), since ably-js asks for a token before any channel.
 */
export async function answerAblyAuth(
  request: FastifyRequest,
  options: { readonly authorizer: AblyChannelRules; readonly authenticate: Authenticate; readonly ably: AblyTokenOptions },
  fields: AblyAuthFields,
): Promise<AblyChannelAuthorizationResult> {
  const guarded = fields.channelName !== null && isGuardedAblyChannel(fields.channelName)
  const user = guarded ? await authenticatedUser(options.authenticate, request) : await guestOrUser(options.authenticate, request)
  return authorizeAblyChannel(options.authorizer, options.ably, { user, channelName: fields.channelName, token: fields.token })
}

async function guestOrUser(authenticate: Authenticate, request: FastifyRequest): Promise<unknown> {
  const user: unknown = await authenticate(request)
  return user === undefined || user === false ? null : user
}
