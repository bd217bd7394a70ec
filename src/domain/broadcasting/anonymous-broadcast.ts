import { resolveChannelNames, type Channels } from '../channels/channel.js'
import { assertValidEventName } from '../channels/channel-name.js'
import { InvalidEventError } from '../errors.js'
import type { BroadcastMessage } from './broadcast-message.js'
import type { PreparedSend } from './prepared-send.js'
import { freezeMessage } from './message-from-event.js'

/** Event name used when `as()` was never called (Laravel's `AnonymousEvent` default). */
export const DEFAULT_ANONYMOUS_EVENT_NAME = 'AnonymousEvent'

/** Where an anonymous broadcast goes, as chosen by chaining. */
export interface AnonymousRoute {
  /** Broadcast connection (`via()`); absent means the default one. */
  readonly connection?: string
  /** Queue connection (`onConnection()`); absent means the default one. */
  readonly queueConnection?: string
  /** True for `sendNow()`: skip the queue, as `ShouldBroadcastNow` does. */
  readonly now: boolean
}

/**
 * Checks the route now (connection, queue connection, socket id; a bad one throws) and returns what
 * sends or queues the message, or `null` when there is nothing to send. Supplied by the `Broadcasting` manager.
 */
export type PrepareMessage = (message: BroadcastMessage, route: AnonymousRoute) => PreparedSend | null

// Lets `BroadcastHold.event()` take an anonymous broadcast without a public method on it.
let holdPreparation: (broadcast: AnonymousBroadcast) => PreparedSend | null

/**
 * Resolves an anonymous broadcast for a `BroadcastHold` (message, connections, socket id, checked now)
 * and marks it sent, so awaiting it later sends nothing: the hold sends it on commit.
 * @throws InvalidEventError when it was already sent or held; the route's errors as `send()` rejects with them.
 */
export function prepareHeldBroadcast(broadcast: AnonymousBroadcast): PreparedSend | null {
  return holdPreparation(broadcast)
}

/**
 * A broadcast without an event class (Laravel's `Broadcast::on(...)`, its `AnonymousEvent`): channels,
 * a name and a payload set by chaining. `send()` (or awaiting it) queues it like any event through the
 * default queue connection, which with the `sync` queue (the default) means sent at once; `sendNow()`
 * skips the queue. Channels and the name are validated when set, so a typo fails at the line that made
 * it; the socket id, whose rule depends on the connection, and the connections when sent.
 *
 * Public methods (more than the usual seven, to keep Laravel's names): `AnonymousEvent`'s `via`, `as`,
 * `with`, `toOthers`, `send`, `sendNow`; `onQueue`/`onConnection`, named after Laravel's queueable jobs
 * (its `AnonymousEvent` cannot pick a queue; an event here can, so this can too); the `broadcast`
 * shorthand; and `then`, so awaiting sends.
 *
 * @example
 * await broadcasting.on('orders.1').as('OrderPlaced').with({ id: 1 }).toOthers(socketId).send()
 * await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
 * await broadcasting.channel('chat.1').broadcast('Typing').sendNow()
 */
export class AnonymousBroadcast implements PromiseLike<void> {
  readonly #channels: readonly string[]
  readonly #prepare: PrepareMessage
  #event = DEFAULT_ANONYMOUS_EVENT_NAME
  #payload: unknown = {}
  #socketId: string | undefined
  #connection: string | undefined
  #queue: string | undefined
  #queueConnection: string | undefined
  #sending: Promise<void> | undefined

  static {
    holdPreparation = (broadcast) => broadcast.#hold()
  }

  constructor(channels: Channels, prepare: PrepareMessage) {
    this.#channels = resolveChannelNames(channels)
    this.#prepare = prepare
  }

  /** The event name on the wire. @default 'AnonymousEvent' */
  as(event: string): this {
    assertValidEventName(event)
    this.#assertNotSent('as')
    this.#event = event
    return this
  }

  /** The payload (JSON-safe: a queue stores it as JSON). @default {} */
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
   * send with `InvalidSocketIdError` and nothing is sent or queued.
   */
  toOthers(socketId: string | null | undefined): this {
    if (socketId === null || socketId === undefined) return this
    this.#assertNotSent('toOthers')
    this.#socketId = socketId
    return this
  }

  /** Sends through the named broadcast connection instead of the default one. */
  via(connection: string): this {
    this.#assertNotSent('via')
    this.#connection = connection
    return this
  }

  /** The queue name, as an event's `broadcastQueue()` (Laravel's `onQueue`). @default the queue connection's default queue */
  onQueue(queue: string): this {
    assertName(queue, 'onQueue')
    this.#assertNotSent('onQueue')
    this.#queue = queue
    return this
  }

  /** The queue connection, as an event's `broadcastConnection()` (Laravel's `onConnection`). @default the default queue connection */
  onConnection(queueConnection: string): this {
    assertName(queueConnection, 'onConnection')
    this.#assertNotSent('onConnection')
    this.#queueConnection = queueConnection
    return this
  }

  /**
   * Queues the broadcast through its queue connection (with `sync`, sends it now); resolves when the
   * queue stored it (or the driver accepted it). Idempotent, and so is awaiting.
   */
  send(): Promise<void> {
    return this.#send(false)
  }

  /** Sends now, skipping the queue (Laravel's `sendNow`, as `ShouldBroadcastNow`); resolves when the driver accepted it. */
  sendNow(): Promise<void> {
    return this.#send(true)
  }

  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.send().then(onfulfilled, onrejected)
  }

  #send(now: boolean): Promise<void> {
    this.#sending ??= this.#run(now)
    return this.#sending
  }

  async #run(now: boolean): Promise<void> {
    const send = this.#prepare(this.#message(), this.#route(now))
    if (send !== null) await send()
  }

  /** For a hold: resolves message and route now (as `send()` would) and leaves sending to the hold. */
  #hold(): PreparedSend | null {
    this.#assertNotSent('hold.event')
    // Held means sent as far as this object goes: awaiting it later must not send it a second time.
    this.#sending = Promise.resolve()
    return this.#prepare(this.#message(), this.#route(false))
  }

  #message(): BroadcastMessage {
    return freezeMessage({
      channels: [...this.#channels],
      event: this.#event,
      payload: this.#payload,
      ...(this.#socketId === undefined ? {} : { socketId: this.#socketId }),
      ...(this.#queue === undefined ? {} : { queue: this.#queue }),
    })
  }

  #route(now: boolean): AnonymousRoute {
    return {
      now,
      ...(this.#connection === undefined ? {} : { connection: this.#connection }),
      ...(this.#queueConnection === undefined ? {} : { queueConnection: this.#queueConnection }),
    }
  }

  #assertNotSent(method: string): void {
    if (this.#sending !== undefined) {
      throw new InvalidEventError(`${method}() called on a broadcast that was already sent; chain it before awaiting`)
    }
  }
}

function assertName(value: unknown, method: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidEventError(`${method}() needs a non-empty name (got ${JSON.stringify(value) ?? String(value)})`)
  }
}
