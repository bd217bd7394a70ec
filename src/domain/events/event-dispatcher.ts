import { InvalidEventError } from '../errors.js'
import { isShouldBroadcast, type ShouldBroadcast } from './should-broadcast.js'

/** What the dispatcher hands broadcastable events to. The `Broadcasting` manager satisfies it. */
export interface EventBroadcaster {
  /** Broadcasts `event`; the result is awaited (a pending broadcast that is awaitable works). */
  event(event: ShouldBroadcast): PromiseLike<void>
}

/** A listener for events of type `E`; sync or async. */
export type EventListener<E> = (event: E) => void | PromiseLike<void>

/** An event class (abstract classes too); listening to it also catches its subclasses. */
export type EventClass<E extends object = object> = abstract new (...args: never[]) => E

interface Registration {
  readonly key: EventClass | string
  readonly listener: EventListener<never>
}

/**
 * Runs an event's listeners, then broadcasts it when it is {@link ShouldBroadcast}.
 *
 * - Listeners run one after another in registration order, each awaited.
 * - A listener that throws stops the dispatch: later listeners do not run, nothing is broadcast,
 *   and the error reaches the caller of `dispatch`.
 * - Without a bound broadcaster, listeners still run and nothing is broadcast.
 * - Whether a broadcast is skipped (`broadcastWhen()`) is the broadcaster's decision, not the dispatcher's.
 *
 * @example
 * const events = new EventDispatcher(broadcasting)
 * events.listen(OrderShipped, async (e) => { await mailer.send(e.orderId) })
 * await events.dispatch(new OrderShipped(42))   // mail first, then the broadcast
 */
export class EventDispatcher {
  readonly #registrations: Registration[] = []
  #broadcaster: EventBroadcaster | undefined

  constructor(broadcaster?: EventBroadcaster) {
    this.#broadcaster = broadcaster
  }

  /** Binds (or, with `undefined`, unbinds) the broadcaster used after the listeners. */
  setBroadcaster(broadcaster: EventBroadcaster | undefined): this {
    this.#broadcaster = broadcaster
    return this
  }

  /**
   * Listens to an event class (instances and subclass instances) or to a class name (exact constructor name).
   * Returns a function that removes this listener.
   */
  listen<E extends object>(event: EventClass<E>, listener: EventListener<E>): () => void
  listen(eventName: string, listener: EventListener<object>): () => void
  listen(key: EventClass | string, listener: EventListener<never>): () => void {
    if (typeof listener !== 'function') throw new InvalidEventError(`listen(${describeKey(key)}) needs a listener function`)
    if (typeof key !== 'function' && (typeof key !== 'string' || key.length === 0)) {
      throw new InvalidEventError('listen() needs an event class or a non-empty event class name')
    }
    const registration: Registration = { key, listener }
    this.#registrations.push(registration)
    return () => {
      const index = this.#registrations.indexOf(registration)
      if (index >= 0) this.#registrations.splice(index, 1)
    }
  }

  /** True when at least one listener would run for `event`. */
  hasListeners(event: object): boolean {
    return this.#registrations.some((r) => matches(r.key, event))
  }

  /** Runs the listeners of `event` in order, then broadcasts it if it is broadcastable and a broadcaster is bound. */
  async dispatch(event: object): Promise<void> {
    if (typeof event !== 'object' || event === null) throw new InvalidEventError(`dispatch() needs an event object (got ${event === null ? 'null' : typeof event})`)
    // Snapshot, so a listener that adds or removes listeners does not change this dispatch.
    const listeners = this.#registrations.filter((r) => matches(r.key, event))
    for (const { listener } of listeners) {
      await (listener as EventListener<object>)(event)
    }
    const broadcaster = this.#broadcaster
    if (broadcaster !== undefined && isShouldBroadcast(event)) await broadcaster.event(event)
  }
}

function matches(key: EventClass | string, event: object): boolean {
  if (typeof key === 'string') return (event as { constructor?: { name?: unknown } }).constructor?.name === key
  return event instanceof key
}

function describeKey(key: unknown): string {
  return typeof key === 'function' ? key.name || 'anonymous class' : JSON.stringify(key)
}
