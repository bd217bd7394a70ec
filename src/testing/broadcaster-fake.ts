import { AssertionError } from 'node:assert'
import type { BroadcastMessage } from '../domain/broadcasting/broadcast-message.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import { sourceEventOf } from '../domain/broadcasting/message-from-event.js'
import type { Channel } from '../domain/channels/channel.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import type { BroadcastJob } from '../domain/queue/broadcast-job.js'
import { BROADCAST_NOTIFICATION_EVENT } from '../domain/notifications/broadcast-notification.js'
import { formatCalls, formatJobs } from './format-calls.js'
import { QueuedJobs } from './queued-jobs.js'

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
  #queued = new QueuedJobs({ hold: false })
  #restore: (() => void) | undefined

  /**
   * Swaps a new fake in for every connection and every queue connection of `broadcasting`;
   * `uninstall()` puts them back. Queued events and anonymous broadcasts (`send()`, not `sendNow()`)
   * are recorded as queued (`assertQueued`, `assertQueuedOn`) and, by
   * default, delivered at once as the sync queue does; with `{ holdQueued: true }` they wait for
   * `runQueued()`, as they would for a worker.
   */
  static install(broadcasting: Broadcasting, options: { holdQueued?: boolean } = {}): BroadcasterFake {
    const fake = new BroadcasterFake()
    fake.#queued = new QueuedJobs({ hold: options.holdQueued === true })
    const restoreConnections = broadcasting.swap(fake)
    const restoreQueues = broadcasting.swapQueue(fake.#queued)
    fake.#restore = () => {
      restoreQueues()
      restoreConnections()
    }
    return fake
  }

  /** Every job queued through the installed fake (plain JSON, as a queue stores it), in order. */
  get queued(): readonly BroadcastJob[] {
    return this.#queued.jobs
  }

  /** Delivers the queued jobs held by `install(b, { holdQueued: true })`, as a worker would. */
  async runQueued(): Promise<void> {
    await this.#queued.run()
  }

  /**
   * Asserts that at least one matching event was queued (not `ShouldBroadcastNow`, not `sendNow()`).
   * Anonymous broadcasts are matched by their event name (`'AnonymousEvent'` without `as()`).
   */
  assertQueued(event: EventSelector, predicate?: (job: BroadcastJob) => boolean): void {
    if (this.#matchingJobs(event).some((job) => predicate === undefined || predicate(job))) return
    const what = predicate === undefined ? describeSelector(event) : `${describeSelector(event)} matching the predicate`
    this.#failQueued(`Expected ${what} to be queued, but it was not.`, this.#queued.jobs.map((j) => j.message.event), describeSelector(event), 'assertQueued')
  }

  /** Asserts that `event` was queued for `channel` (a wire name such as `private-orders.1`, or a `Channel`). */
  assertQueuedOn(channel: string | Channel, event: EventSelector): void {
    const wire = channel.toString()
    if (this.#matchingJobs(event).some((job) => job.message.channels.includes(wire))) return
    this.#failQueued(
      `Expected ${describeSelector(event)} to be queued on channel '${wire}', but it was not.`,
      this.#queued.jobs.map((j) => `${j.message.event} on [${j.message.channels.join(', ')}]`),
      `${describeSelector(event)} on [${wire}]`,
      'assertQueuedOn',
    )
  }

  /** Asserts that no matching event was queued. */
  assertNotQueued(event: EventSelector): void {
    const count = this.#matchingJobs(event).length
    if (count === 0) return
    this.#failQueued(`Expected ${describeSelector(event)} not to be queued, but it was queued ${plural(count)}.`, count, 0, 'assertNotQueued')
  }

  /** Asserts that nothing was queued. */
  assertNothingQueued(): void {
    const jobs = this.#queued.jobs
    if (jobs.length === 0) return
    this.#failQueued(`Expected nothing to be queued, but ${plural(jobs.length, 'job')} ${jobs.length === 1 ? 'was' : 'were'} queued.`, jobs.map((j) => j.message.event), [], 'assertNothingQueued')
  }

  /**
   * Asserts a broadcast notification (Laravel's `BroadcastNotificationCreated`) on `channel`,
   * optionally of a `type` (the notification's class name or `broadcastType()`).
   */
  assertNotificationBroadcastedOn(channel: string | Channel, type?: string): void {
    const wire = channel.toString()
    const found = this.#calls.some(
      (m) => m.event === BROADCAST_NOTIFICATION_EVENT && m.channels.includes(wire) && (type === undefined || (m.payload as { type?: unknown } | null)?.type === type),
    )
    if (found) return
    const what = type === undefined ? 'a notification' : `a '${type}' notification`
    this.#fail(`Expected ${what} to be broadcast on channel '${wire}', but it was not.`, this.#calls.map((m) => `${m.event} on [${m.channels.join(', ')}]`), `${what} on [${wire}]`, 'assertNotificationBroadcastedOn')
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
    this.#queued.reset()
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

  #matchingJobs(selector: EventSelector): BroadcastJob[] {
    return this.#queued.jobs.filter((job) =>
      typeof selector === 'string' ? job.message.event === selector : sourceEventOf(job.message) instanceof selector,
    )
  }

  #names(): string[] {
    return this.#calls.map((m) => m.event)
  }

  #fail(summary: string, actual: unknown, expected: unknown, operator: string): never {
    throw new AssertionError({ message: `${summary}\n${formatCalls(this.#calls)}`, actual, expected, operator })
  }

  #failQueued(summary: string, actual: unknown, expected: unknown, operator: string): never {
    throw new AssertionError({ message: `${summary}\n${formatJobs(this.#queued.jobs)}`, actual, expected, operator })
  }
}

function describeSelector(selector: EventSelector): string {
  return typeof selector === 'string' ? `'${selector}'` : `[${selector.name || 'anonymous class'}]`
}

function plural(n: number, word = 'time'): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
