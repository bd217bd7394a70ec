import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import { BroadcastFailedError } from '../../domain/errors.js'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import { beforeDeadline } from '../../domain/within-deadline.js'
import { closeRedisClient, createRedisClient, whenReady, type RedisClient } from './redis-connection.js'
import { encodeRedisMessage } from './redis-message.js'
import type { RedisOptions } from './redis-options.js'

/** Driver name used in errors and the registry. */
const DRIVER = 'redis'

/**
 * The `redis` driver: PUBLISHes each broadcast to `prefix + channel` in Laravel's Redis broadcaster
 * format, so Herald servers in cluster mode (and laravel-echo-server-style readers) deliver it.
 *
 * The connection is opened on first use. While Redis is unreachable a broadcast rejects at once
 * with a {@link BroadcastFailedError} (no offline queue, so nothing is replayed later), and never
 * takes longer than `timeoutMs`.
 */
export class RedisBroadcaster implements BroadcasterPort {
  readonly #options: RedisOptions
  readonly #logger: LoggerPort
  #client: Promise<RedisClient> | undefined
  #closed = false

  constructor(options: RedisOptions, logger: LoggerPort = nullLogger) {
    this.#options = options
    this.#logger = logger
  }

  broadcast(message: BroadcastMessage): Promise<void> {
    // An async body: whatever goes wrong (even serialising the payload) becomes a rejection.
    return this.#publish(message).catch((cause: unknown) => {
      throw new BroadcastFailedError(DRIVER, message.channels, cause)
    })
  }

  async #publish(message: BroadcastMessage): Promise<void> {
    if (this.#closed) throw new Error('the redis broadcaster is closed')
    if (message.channels.length === 0) return
    const body = encodeRedisMessage({ event: message.event, data: message.payload ?? null, socket: message.socketId ?? null })
    const timeoutMs = this.#options.timeoutMs
    // The clock starts once ioredis is loaded: importing it on first use is local work, not waiting
    // on Redis, and on a busy machine it alone can take a good part of a short timeout.
    const client = await this.#connect()
    const started = Date.now()
    await whenReady(client, timeoutMs)
    const prefix = this.#options.prefix
    const published = Promise.all(message.channels.map((channel) => client.publish(prefix + channel, body)))
    await beforeDeadline(published, Math.max(1, timeoutMs - (Date.now() - started)), 'redis PUBLISH')
  }

  #connect(): Promise<RedisClient> {
    this.#client ??= createRedisClient(this.#options, { name: 'publisher', offlineQueue: false }, this.#logger)
    return this.#client
  }

  /** Quits the connection; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const client = this.#client
    this.#client = undefined
    if (client !== undefined) await closeRedisClient(await client)
  }
}
