import { InvalidEventError } from '../errors.js'
import type { ShouldBroadcast } from '../events/should-broadcast.js'

/** Where and to whom a broadcast goes, as chosen on a pending broadcast. */
export interface BroadcastTarget {
  /** Socket id to exclude (`toOthers`). */
  readonly socketId?: string
  /** Connection name (`via`); wins over the event's `broadcastVia()`. */
  readonly connection?: string
}

/** What actually sends; supplied by the `Broadcasting` manager. */
export type SendEvent = (event: ShouldBroadcast, target: BroadcastTarget) => Promise<void>

/**
 * A broadcast of one event, configured by chaining and sent when awaited (or `send()` is called).
 * Nothing is sent until then: JavaScript has no destructor to send "when the object goes away",
 * as Laravel's `PendingBroadcast` does, so sending is explicit. Awaiting twice sends once.
 *
 * @example
 * await broadcasting.event(new OrderShipped(order)).toOthers(socketId).via('redis')
 */
export class PendingBroadcast implements PromiseLike<void> {
  readonly #event: ShouldBroadcast
  readonly #send: SendEvent
  #target: BroadcastTarget = {}
  #sending: Promise<void> | undefined

  constructor(event: ShouldBroadcast, send: SendEvent) {
    this.#event = event
    this.#send = send
  }

  /**
   * Excludes the socket that caused the event (Laravel's `toOthers`). `null`/`undefined` (no
   * `X-Socket-ID` header, so `request.socketId` is null) excludes nobody.
   *
   * The id is checked when the broadcast is sent, against the rule of the connection it goes through
   * (Pusher's `digits.digits` unless the driver has its own, as `ably` does): the connection is only
   * known then (`.toOthers(id).via('ably')`). A bad id rejects the send with `InvalidSocketIdError`
   * naming the value, and nothing is sent.
   */
  toOthers(socketId: string | null | undefined): this {
    if (socketId === null || socketId === undefined) return this
    this.#assertNotSent('toOthers')
    this.#target = { ...this.#target, socketId }
    return this
  }

  /** Sends through the named connection instead of the event's `broadcastVia()` or the default. */
  via(connection: string): this {
    this.#assertNotSent('via')
    this.#target = { ...this.#target, connection }
    return this
  }

  /** Sends now; resolves when the driver has accepted the message. Idempotent. */
  send(): Promise<void> {
    this.#sending ??= this.#send(this.#event, this.#target)
    return this.#sending
  }

  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.send().then(onfulfilled, onrejected)
  }

  #assertNotSent(method: string): void {
    if (this.#sending !== undefined) {
      throw new InvalidEventError(`${method}() called on a broadcast that was already sent; chain it before awaiting`)
    }
  }
}
