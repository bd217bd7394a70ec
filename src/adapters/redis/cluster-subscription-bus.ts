import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { escapeGlob } from './cluster-keys.js'
import { closeRedisClient, createRedisClient, type RedisClient } from './redis-connection.js'
import type { RedisOptions } from './redis-options.js'

/** What the bus hands over: a broadcast channel (prefix removed) or the control channel. */
export interface BusHandlers {
  onBroadcast(channel: string, raw: string): void
  onControl(raw: string): void
  /**
   * The pattern subscription was confirmed after a (re)connect. Anything published while it was
   * down is lost (pub/sub is fire-and-forget), so the owner re-reads shared state here.
   */
  onSubscribed(): void
}

/**
 * A server's one subscription to Redis: `PSUBSCRIBE <prefix>*`.
 *
 * One pattern instead of a SUBSCRIBE per channel that gains a local subscriber: every message
 * reaches every server (a JSON parse and a map lookup where nobody listens), but there is no window
 * between a client's subscribe and Redis's SUBSCRIBE reply in which an event could be missed, no
 * per-channel bookkeeping to get wrong, and after a reconnect ioredis re-issues a single command.
 * Redis matches the pattern once per publish per server, negligible next to the fan-out itself.
 */
export class ClusterSubscriptionBus {
  readonly #options: RedisOptions
  readonly #logger: LoggerPort
  readonly #control: string
  readonly #handlers: BusHandlers
  #client: RedisClient | undefined
  #subscribed = false

  constructor(options: RedisOptions, control: string, handlers: BusHandlers, logger: LoggerPort) {
    this.#options = options
    this.#control = control
    this.#handlers = handlers
    this.#logger = logger
  }

  /** True while the pattern subscription is live. */
  get subscribed(): boolean {
    return this.#subscribed && this.#client?.status === 'ready'
  }

  /** Connects and subscribes. Resolves once subscribed, or rejects; it keeps retrying either way. */
  async start(): Promise<void> {
    const client = await createRedisClient(this.#options, { name: 'subscriber', offlineQueue: true }, this.#logger)
    this.#client = client
    const prefix = this.#options.prefix
    client.on('pmessage', (_pattern: string, channel: string, raw: string) => {
      try {
        if (channel === this.#control) this.#handlers.onControl(raw)
        else this.#handlers.onBroadcast(channel.slice(prefix.length), raw)
      } catch (err) {
        // One bad message must not stop the subscription; the handlers validate, so this is a bug.
        this.#logger.error({ err, channel }, 'herald cluster: failed to handle a message from redis')
      }
    })
    client.on('close', () => {
      this.#subscribed = false
    })
    const pattern = `${escapeGlob(prefix)}*`
    // ioredis re-subscribes by itself on reconnect (autoResubscribe), but reports ready before Redis
    // confirms it. A second PSUBSCRIBE of the same pattern is a no-op in Redis and its reply comes
    // after ioredis's, so once it resolves the subscription is known to be live again.
    client.on('ready', () => {
      client.psubscribe(pattern).then(
        () => {
          if (this.#client !== client) return
          this.#subscribed = true
          try {
            this.#handlers.onSubscribed()
          } catch (err) {
            // A throw here would be an unhandled rejection; the handler is best-effort repair.
            this.#logger.error({ err }, 'herald cluster: handling the re-subscription failed')
          }
        },
        (err: unknown) => this.#logger.warn({ err }, 'herald cluster: re-subscribe failed; retrying on the next reconnect'),
      )
    })
    await client.psubscribe(pattern)
    this.#subscribed = true
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    this.#subscribed = false
    if (client !== undefined) await closeRedisClient(client)
  }
}
