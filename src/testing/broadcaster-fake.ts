import { AssertionError } from 'node:assert'
import type { BroadcastMessage } from '../domain/broadcasting/broadcast-message.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import { sourceEventOf } from '../domain/broadcasting/message-from-event.js'
import type { Channel } from '../domain/channels/channel.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import { formatCalls } from './format-calls.js'

// The union of the built-in drivers' socket-id rules (the widest is ably's).
const ANY_DRIVER_SOCKET_ID = /^[\x21-\x7e]{1,2048}$/

/** An event class, matched by `instanceof` against the event a message was built from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor signature must fit
export type EventClass<E = unknown> = abstract new (...args: any[]) => E

/** An event name, or an event class. */
export type EventSelector<E = unknown> = string | EventClass<E>

/**
 * A `BroadcasterPort` that records every message and asserts on them (`herald/testing`).
 * Runs the same contract suite as the real drivers, and works with any test runner: failures
 * throw `node:assert`'s `AssertionError` with `actual`/`expected`, and the message lists what
 * *was* broadcast.
 *
 * Class selectors match the event instance the message came from (`broadcasting.event(e)` or the
 * dispatcher), so a predicate gets the typed event; string selectors match the wire event name.
 *
 * @example
 * const fake = BroadcasterFake.install(broadcasting)
 * await dispatcher.dispatch(new OrderShipped(order))
 * fake.assertBroadcasted(OrderShipped, (e) => e.order.id === 1)
 * fake.assertBroadcastedOn('private-orders.1', 'OrderShipped')
 */
export class BroadcasterFake implements BroadcasterPort {
  readonly #calls: BroadcastMessage[] = []
  #restore: (() => void) | undefined

  /** Swaps a new fake in for every connection of `broadcasting`; `uninstall()` puts them back. */
  static install(broadcasting: Broadcasting): BroadcasterFake {
    const fake = new BroadcasterFake()
    fake.#restore = broadcasting.swap(fake)
    return fake
  }

  /** Every message received, in order. */
  get calls(): readonly BroadcastMessage[] {
    return this.#calls
  }

  async broadcast(message: BroadcastMessage): Promise<void> {
    this.#calls.push(message)
  }

  /**
   * The fake stands in for any driver, so `toOthers` accepts every id style a built-in driver does:
   * Pusher's `1234.5678` and `@ably/laravel-echo`'s base64url ids (printable ASCII, up to 2048
   * characters). Blank, whitespace or control characters are still refused, as every driver refuses them.
   */
  isValidSocketId(socketId: string): boolean {
    return ANY_DRIVER_SOCKET_ID.test(socketId)
  }

  /** Nothing to release; present so `Broadcasting.close()` treats the fake like a driver. */
  async close(): Promise<void> {}

  /** Forgets every recorded call. */
  reset(): void {
    this.#calls.length = 0
  }

  /** Restores the connections replaced by {@link BroadcasterFake.install}. Idempotent. */
  uninstall(): void {
    this.#restore?.()
    this.#restore = undefined
  }

  /** Asserts at least one matching broadcast; `predicate` narrows which ones count. */
  assertBroadcasted(event: string, predicate?: (message: BroadcastMessage) => boolean): void
  assertBroadcasted<E>(event: EventClass<E>, predicate?: (event: E, message: BroadcastMessage) => boolean): void
  assertBroadcasted<E>(selector: EventSelector<E>, predicate?: (first: never, message: BroadcastMessage) => boolean): void {
    const matches = this.#matching(selector, predicate)
    if (matches.length > 0) return
    const what = predicate === undefined ? describeSelector(selector) : `${describeSelector(selector)} matching the predicate`
    this.#fail(`Expected ${what} to be broadcast, but it was not.`, this.#names(), describeSelector(selector), 'assertBroadcasted')
  }

  /** Asserts exactly `times` matching broadcasts. */
  assertBroadcastedTimes(event: EventSelector, times: number): void {
    const count = this.#matching(event).length
    if (count === times) return
    this.#fail(
      `Expected ${describeSelector(event)} to be broadcast ${plural(times)}, but it was broadcast ${plural(count)}.`,
      count,
      times,
      'assertBroadcastedTimes',
    )
  }

  /** Asserts that `event` was broadcast on `channel` (a wire name such as `private-orders.1`, or a `Channel`). */
  assertBroadcastedOn(channel: string | Channel, event: EventSelector): void {
    const wire = channel.toString()
    if (this.#matching(event).some((m) => m.channels.includes(wire))) return
    this.#fail(
      `Expected ${describeSelector(event)} to be broadcast on channel '${wire}', but it was not.`,
      this.#calls.map((m) => `${m.event} on [${m.channels.join(', ')}]`),
      `${describeSelector(event)} on [${wire}]`,
      'assertBroadcastedOn',
    )
  }

  /** Asserts that no matching broadcast happened. */
  assertNotBroadcasted(event: EventSelector): void {
    const count = this.#matching(event).length
    if (count === 0) return
    this.#fail(`Expected ${describeSelector(event)} not to be broadcast, but it was broadcast ${plural(count)}.`, count, 0, 'assertNotBroadcasted')
  }

  /** Asserts that nothing at all was broadcast. */
  assertNothingBroadcasted(): void {
    if (this.#calls.length === 0) return
    this.#fail(`Expected nothing to be broadcast, but ${plural(this.#calls.length, 'broadcast')} happened.`, this.#names(), [], 'assertNothingBroadcasted')
  }

  #matching(selector: EventSelector, predicate?: (first: never, message: BroadcastMessage) => boolean): BroadcastMessage[] {
    return this.#calls.filter((message) => {
      if (typeof selector === 'string') {
        return message.event === selector && (predicate === undefined || predicate(message as never, message))
      }
      const source = sourceEventOf(message)
      return source instanceof selector && (predicate === undefined || predicate(source as never, message))
    })
  }

  #names(): string[] {
    return this.#calls.map((m) => m.event)
  }

  #fail(summary: string, actual: unknown, expected: unknown, operator: string): never {
    throw new AssertionError({ message: `${summary}\n${formatCalls(this.#calls)}`, actual, expected, operator })
  }
}

function describeSelector(selector: EventSelector): string {
  return typeof selector === 'string' ? `'${selector}'` : `[${selector.name || 'anonymous class'}]`
}

function plural(n: number, word = 'time'): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
