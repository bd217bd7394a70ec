import { defaultScheduleTimer, type ScheduleTimer } from './lifecycle-timer.js'
import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'

/** Pusher's delay on `channel_vacated` and `member_removed`, in ms. */
export const DEFAULT_VACATE_DELAY_MS = 3000

/** Options of {@link LifecycleDelay}. */
export interface LifecycleDelayOptions {
  /** Where settled events go. */
  readonly next: LifecycleObserver
  /** How long `channel_vacated` and `member_removed` wait for the channel or member to come back. @default 3000 */
  readonly delayMs?: number | undefined
  /** Timer port, for tests. @default setTimeout (unref'd) */
  readonly schedule?: ScheduleTimer | undefined
}

/**
 * Pusher's rule for departures: `channel_vacated` and `member_removed` wait {@link DEFAULT_VACATE_DELAY_MS};
 * if the channel is occupied again (or the member is back) meanwhile, both the departure and the return are
 * dropped, so a page reload tells the application nothing. Every other event passes straight through.
 */
export class LifecycleDelay implements LifecycleObserver {
  readonly #next: LifecycleObserver
  readonly #delayMs: number
  readonly #schedule: ScheduleTimer
  /** Departure key → how to cancel its timer, and the event it will send. */
  readonly #pending = new Map<string, { readonly cancel: () => void; readonly event: LifecycleEvent }>()

  constructor(options: LifecycleDelayOptions) {
    this.#next = options.next
    this.#delayMs = options.delayMs ?? DEFAULT_VACATE_DELAY_MS
    this.#schedule = options.schedule ?? defaultScheduleTimer
  }

  /** Departures waiting for their delay. */
  get pending(): number {
    return this.#pending.size
  }

  observe(event: LifecycleEvent): void {
    switch (event.name) {
      case 'channel_vacated':
      case 'member_removed':
        return this.#hold(departureKey(event), event)
      case 'channel_occupied':
      case 'member_added':
        if (this.#cancel(departureKey(event))) return
        return this.#next.observe(event)
      default:
        return this.#next.observe(event)
    }
  }

  /** Sends every held departure now (at shutdown: nobody will come back to this server). */
  flush(): void {
    const held = [...this.#pending.values()]
    this.#pending.clear()
    for (const { cancel, event } of held) {
      cancel()
      this.#next.observe(event)
    }
  }

  #hold(key: string, event: LifecycleEvent): void {
    this.#pending.get(key)?.cancel()
    const cancel = this.#schedule(() => {
      this.#pending.delete(key)
      this.#next.observe(event)
    }, this.#delayMs)
    this.#pending.set(key, { cancel, event })
  }

  #cancel(key: string): boolean {
    const held = this.#pending.get(key)
    if (held === undefined) return false
    held.cancel()
    this.#pending.delete(key)
    return true
  }
}

/** The same key for a departure and the return that cancels it. */
function departureKey(event: LifecycleEvent): string {
  const where = `${event.appId}\u0000${event.channel}`
  return event.name === 'member_added' || event.name === 'member_removed' ? `member\u0000${where}\u0000${event.userId}` : `channel\u0000${where}`
}
