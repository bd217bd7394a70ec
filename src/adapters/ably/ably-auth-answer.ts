import { isValidChannelName } from '../../domain/channels/channel-name.js'
import { InvalidConfigError, InvalidRequestError } from '../../domain/errors.js'
import type { ChannelRules, DriverAuthAnswer, DriverAuthPort, RequestUser } from '../../domain/ports/driver-auth-port.js'
import { authorizeAblyChannel } from './ably-channel-authorization.js'
import { fromAblyChannelName, isGuardedAblyChannel } from './ably-channel-names.js'
import type { AblyTokenOptions } from './ably-token-authorizer.js'

/** One parsed `@ably/laravel-echo` auth request. */
interface AblyAuthFields {
  /** `private:x` / `presence:x` / `public:x`, or `null` for the connection token. */
  readonly channelName: string | null
  /** The JWT the client already holds, if any. */
  readonly token: string | null
}

/**
 * `/broadcasting/auth` for `@ably/laravel-echo` (ably/laravel-broadcaster's `auth`), used when the default
 * connection's driver is `ably`: a private/presence channel needs a user (401 otherwise) and the channel
 * rules' consent (403 otherwise); the connection token and public channels are also issued to guests
 * (`x-ably-clientId: null`, public capabilities only), since ably-js asks for a token before any channel.
 */
export class AblyAuthAnswer implements DriverAuthPort {
  readonly driver = 'ably'
  readonly #options: AblyTokenOptions

  /** @throws InvalidConfigError naming `key` (never its value) when it is not an Ably API key `keyName:keySecret`. */
  constructor(options: AblyTokenOptions) {
    if (typeof options?.key !== 'string' || !/^[^:]+:.+$/.test(options.key)) {
      throw new InvalidConfigError([{ path: 'key', message: "must be an Ably API key 'keyName:keySecret' (ABLY_KEY)" }])
    }
    this.#options = options
  }

  /**
   * True for the body `@ably/laravel-echo` posts: JSON `{ channel_name, token }` with no `socket_id` (ably-js
   * has no Pusher socket id; the connection token is asked for with `channel_name: null`). A body with
   * `socket_id` is pusher-js's and keeps the Pusher answer.
   */
  handles(body: unknown): boolean {
    return typeof body === 'object' && body !== null && !Array.isArray(body) && !('socket_id' in body)
  }

  async answer(body: Record<string, unknown>, rules: ChannelRules, user: RequestUser): Promise<DriverAuthAnswer> {
    const fields = ablyAuthFields(body)
    const guarded = fields.channelName !== null && isGuardedAblyChannel(fields.channelName)
    const requester = await user(guarded)
    const result = await authorizeAblyChannel(rules, this.#options, { user: requester, channelName: fields.channelName, token: fields.token })
    return { channel: fields.channelName, result }
  }
}

/** Reads `channel_name` and `token`; a 400 naming the field for anything `@ably/laravel-echo` never sends. */
function ablyAuthFields(body: Record<string, unknown>): AblyAuthFields {
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
