import type { ClientOptions, Message, Rest } from 'ably'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'
import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import { BroadcastFailedError } from '../../domain/errors.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import { beforeDeadline } from '../../domain/within-deadline.js'
import { toAblyChannelName } from './ably-channel-names.js'
import type { AblyOptions } from './ably-options.js'
import { isValidAblySocketId, parseAblySocketId } from './ably-socket-id.js'

const DRIVER = 'ably'

/** The options the broadcaster reads; token settings are the authorizer's. */
export type AblyBroadcasterOptions = Pick<AblyOptions, 'key' | 'timeoutMs' | 'endpoint' | 'port' | 'tlsPort' | 'tls'>

/**
 * The `ably` driver: publishes through the official `ably` SDK's REST client (loaded on first use),
 * the way Laravel's Ably broadcaster does:
 *
 * - one publish per channel, to the Ably name (`private-x` → `private:x`, `presence-x` → `presence:x`,
 *   `x` → `public:x`, see {@link toAblyChannelName});
 * - message `name` = the event, `data` = the payload;
 * - toOthers: the socket id from `@ably/laravel-echo` (base64url `{connectionKey, clientId}`) becomes the
 *   message's `connectionKey` and `clientId`, so Ably does not echo it to that connection; the
 *   `Broadcasting` manager checks ids with {@link AblyBroadcaster.isValidSocketId}, not Pusher's rule.
 *
 * Every failure rejects with {@link BroadcastFailedError} within `timeoutMs`. Private/presence
 * subscriptions need tokens from `/broadcasting/auth`: see `createAblyAuthResponse`.
 */
export class AblyBroadcaster implements BroadcasterPort {
  readonly #options: AblyBroadcasterOptions
  readonly #logger: LoggerPort
  #client: Promise<Rest> | undefined
  #closed = false

  constructor(options: AblyBroadcasterOptions, logger: LoggerPort = nullLogger) {
    this.#options = options
    this.#logger = logger
  }

  // async: whatever goes wrong, even with a malformed message, becomes a rejection, never a throw.
  async broadcast(message: BroadcastMessage): Promise<void> {
    const channels: string[] = Array.isArray(message?.channels) ? [...message.channels] : []
    try {
      await this.#broadcast(message, channels)
    } catch (err) {
      throw new BroadcastFailedError(DRIVER, channels, err)
    }
  }

  /**
   * The ids `toOthers` accepts on an ably connection: `@ably/laravel-echo`'s base64url socket ids
   * (and raw connection keys), not only Pusher's `digits.digits`. See {@link isValidAblySocketId}.
   */
  isValidSocketId(socketId: string): boolean {
    return isValidAblySocketId(socketId)
  }

  /** Stops accepting broadcasts; idempotent. The REST client holds no connection of its own to release. */
  async close(): Promise<void> {
    this.#closed = true
  }

  async #broadcast(message: BroadcastMessage, channels: readonly string[]): Promise<void> {
    if (this.#closed) throw new Error('the driver was closed')
    if (channels.length === 0) return
    // Serialise up front so a payload Ably cannot carry fails here with a clear cause, not inside the SDK.
    if (JSON.stringify(message.payload) === undefined) throw new TypeError(`the payload (${typeof message.payload}) is not JSON-serialisable`)
    const ablyMessage: Message = { name: message.event, data: message.payload }
    if (message.socketId !== undefined) {
      const { connectionKey, clientId } = parseAblySocketId(message.socketId)
      ablyMessage.connectionKey = connectionKey
      if (clientId !== null) ablyMessage.clientId = clientId
    }
    // Loading the SDK is local, one-off work (about a second on a busy machine), so it is not charged
    // to timeoutMs, which bounds what can actually hang: the network.
    const client = await this.#loadClient()
    const publishAll = async (): Promise<void> => {
      const names = channels.map(toAblyChannelName)
      const results = await Promise.allSettled(
        names.map(async (name) => {
          try {
            // A copy per channel: the SDK annotates the message (id, encoding) while sending it.
            await client.channels.get(name).publish({ ...ablyMessage })
          } catch (err) {
            throw describeAblyError(err, name)
          }
        }),
      )
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
      const first = failed[0]
      if (first === undefined) return
      if (names.length === 1) throw first
      const reason = first instanceof Error ? first.message : String(first)
      throw new Error(`${failed.length} of ${names.length} channel publishes failed (the others were delivered); first failure: ${reason}`, {
        cause: first,
      })
    }
    await beforeDeadline(publishAll(), this.#options.timeoutMs, `Ably publish of '${message.event}'`)
  }

  #loadClient(): Promise<Rest> {
    this.#client ??= this.#createClient().catch((err: unknown) => {
      // Forget a failed load so a later broadcast can try again.
      this.#client = undefined
      throw err
    })
    return this.#client
  }

  async #createClient(): Promise<Rest> {
    const { Rest: AblyRest } = await import('ably')
    const o = this.#options
    const clientOptions: ClientOptions = {
      key: o.key,
      // JSON keeps requests readable (and recordable in tests); broadcasts are small.
      useBinaryProtocol: false,
      // Bound the SDK's own retries (fallback hosts) by the same budget as the whole broadcast.
      httpRequestTimeout: o.timeoutMs,
      httpMaxRetryDuration: o.timeoutMs,
      logHandler: (msg, level) => {
        if (level <= 1) this.#logger.error({ driver: DRIVER }, msg)
        else if (level === 2) this.#logger.warn({ driver: DRIVER }, msg)
        else this.#logger.debug({ driver: DRIVER }, msg)
      },
    }
    if (o.endpoint !== undefined) clientOptions.endpoint = o.endpoint
    if (o.port !== undefined) clientOptions.port = o.port
    if (o.tlsPort !== undefined) clientOptions.tlsPort = o.tlsPort
    if (o.tls !== undefined) clientOptions.tls = o.tls
    return new AblyRest(clientOptions)
  }
}

/** Ably's ErrorInfo carries a code and an HTTP status; put both and the channel in the message. */
function describeAblyError(err: unknown, channel: string): unknown {
  if (typeof err !== 'object' || err === null) return err
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown }
  const code = typeof e.code === 'number' ? ` ${e.code}` : ''
  const status = typeof e.statusCode === 'number' ? ` (HTTP ${e.statusCode})` : ''
  const text = typeof e.message === 'string' ? e.message : String(err)
  return new Error(`Ably error${code}${status} publishing to '${channel}': ${text}`, { cause: err })
}
