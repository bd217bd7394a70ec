import { resolveChannelNames, type Channels } from '../channels/channel.js'
import { assertValidEventName } from '../channels/channel-name.js'
import { InvalidEventError } from '../errors.js'
import type { BroadcastMessage } from './broadcast-message.js'
import { freezeMessage } from './message-from-event.js'

/** Event name used when `as()` was never called (Laravel's `AnonymousEvent` default). */
export const DEFAULT_ANONYMOUS_EVENT_NAME = 'AnonymousEvent'

/** What actually sends; supplied by the `Broadcasting` manager. */
export type SendMessage = (message: BroadcastMessage, connection: string | undefined) => Promise<void>

/**
 * A broadcast without an event class (Laravel's `Broadcast::on(...)`): channels, a name and a
 * payload set by chaining, sent by `send()` or by awaiting it. Channels and the name are validated
 * when set, so a typo fails at the line that made it; the socket id, whose rule depends on the
 * connection, when sent.
 *
 * @example
 * await broadcasting.on('orders.1').as('OrderPlaced').with({ id: 1 }).toOthers(socketId).send()
 * await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
 */
export class AnonymousBroadcast implements PromiseLike<void> {
  readonly #channels: readonly string[]
  readonly #send: SendMessage
  #event = DEFAULT_ANONYMOUS_EVENT_NAME
  #payload: unknown = {}
  #socketId: string | undefined
  #connection: string | undefined
  #sending: Promise<void> | undefined

  constructor(channels: Channels, send: SendMessage) {
    this.#channels = resolveChannelNames(channels)
    this.#send = send
  }

  /** The event name on the wire. @default 'AnonymousEvent' */
  as(event: string): this {
    assertValidEventName(event)
    this.#assertNotSent('as')
    this.#event = event
    return this
  }

  /** The payload (JSON-safe). @default {} */
  with(payload: unknown): this {
    this.#assertNotSent('with')
    this.#payload = payload
    return this
  }

  /** Shorthand for `.as(event).with(payload)`: `channel('orders').broadcast('OrderCreated', data)`. */
  broadcast(event: string, payload: unknown = {}): this {
    return this.as(event).with(payload)
  }

  /**
   * Excludes one socket (Laravel's `toOthers`); `null`/`undefined` excludes nobody. The id is checked at
   * send time against the connection's rule (see `PendingBroadcast.toOthers`): a bad one rejects the
   * send with `InvalidSocketIdError` and nothing is sent.
   */
  toOthers(socketId: string | null | undefined): this {
    if (socketId === null || socketId === undefined) return this
    this.#assertNotSent('toOthers')
    this.#socketId = socketId
    return this
  }

  /** Sends through the named connection instead of the default one. */
  via(connection: string): this {
    this.#assertNotSent('via')
    this.#connection = connection
    return this
  }

  /** Sends now; resolves when the driver accepted the message. Idempotent. */
  send(): Promise<void> {
    this.#sending ??= this.#send(this.#message(), this.#connection)
    return this.#sending
  }

  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.send().then(onfulfilled, onrejected)
  }

  #message(): BroadcastMessage {
    return freezeMessage({
      channels: [...this.#channels],
      event: this.#event,
      payload: this.#payload,
      ...(this.#socketId === undefined ? {} : { socketId: this.#socketId }),
    })
  }

  #assertNotSent(method: string): void {
    if (this.#sending !== undefined) {
      throw new InvalidEventError(`${method}() called on a broadcast that was already sent; chain it before awaiting`)
    }
  }
}
