import { InvalidEventError } from '../errors.js'
import type { ShouldBroadcast } from '../events/should-broadcast.js'
import { AnonymousBroadcast, prepareHeldBroadcast } from './anonymous-broadcast.js'
import type { BroadcastTarget } from './pending-broadcast.js'
import type { PreparedSend } from './prepared-send.js'

export type { PreparedSend } from './prepared-send.js'

/** Resolves an event into a prepared send now (`null` when there is nothing to send). Supplied by the `Broadcasting` manager. */
export type PrepareEvent = (event: ShouldBroadcast, target: BroadcastTarget) => Promise<PreparedSend | null>

/**
 * Broadcasts held until the caller's database transaction commits, and dropped if it rolls back
 * (Laravel's `afterCommit` / `ShouldDispatchAfterCommit`), without knowing the ORM: the integration,
 * or your own code, calls `commit()` or `rollback()`. Each message is resolved when held, so what is
 * sent after the commit is the model as it was when the event happened.
 *
 * @example
 * const hold = broadcasting.hold()
 * await db.transaction(async (tx) => {
 *   await tx.insert(order)
 *   await hold.event(new OrderPlaced(order))
 * }).then(() => hold.commit(), (err) => { hold.rollback(); throw err })
 */
export class BroadcastHold {
  readonly #held: PreparedSend[] = []
  readonly #prepare: PrepareEvent | undefined
  #state: 'open' | 'committed' | 'rolled back' = 'open'

  constructor(prepare?: PrepareEvent) {
    this.#prepare = prepare
  }

  /**
   * Resolves the event's message now (channels, name, payload; a bad one throws here) and holds it.
   * An anonymous broadcast (`hold.event(broadcasting.on('orders').as('E').with(data))`, not awaited)
   * is held the same way, with the connections, queue and `toOthers` chained on it; the hold then owns
   * it, so awaiting it afterwards sends nothing.
   * @throws InvalidEventError when the hold has no manager behind it or is no longer open, or the
   *   anonymous broadcast was already sent.
   */
  event(event: AnonymousBroadcast): Promise<void>
  event(event: ShouldBroadcast, target?: BroadcastTarget): Promise<void>
  async event(event: ShouldBroadcast | AnonymousBroadcast, target: BroadcastTarget = {}): Promise<void> {
    this.#assertOpen()
    if (event instanceof AnonymousBroadcast) {
      const send = prepareHeldBroadcast(event)
      if (send !== null) this.add(send)
      return
    }
    if (this.#prepare === undefined) throw new InvalidEventError('this hold has no Broadcasting manager; create it with broadcasting.hold()')
    const send = await this.#prepare(event, target)
    if (send !== null) this.add(send)
  }

  /** Adds a prepared broadcast (used by `Broadcasting.hold()`; integrations rarely call it). */
  add(send: PreparedSend): void {
    this.#assertOpen()
    this.#held.push(send)
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw new InvalidEventError(`cannot hold a broadcast after the transaction ${this.#state}`)
  }

  /** How many broadcasts are waiting. */
  get size(): number {
    return this.#held.length
  }

  /** True until `commit()` or `rollback()`. */
  get isOpen(): boolean {
    return this.#state === 'open'
  }

  /**
   * Sends every held broadcast in order. One failing does not stop the others; the promise then
   * rejects with the failure (an `AggregateError` for several). A second call does nothing.
   */
  async commit(): Promise<void> {
    if (this.#state !== 'open') return
    this.#state = 'committed'
    const sends = this.#held.splice(0)
    const failures: unknown[] = []
    for (const send of sends) {
      try {
        await send()
      } catch (error) {
        failures.push(error)
      }
    }
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} broadcasts held until commit failed`)
  }

  /** Drops every held broadcast. */
  rollback(): void {
    if (this.#state !== 'open') return
    this.#state = 'rolled back'
    this.#held.length = 0
  }
}
