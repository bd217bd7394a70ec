import { defaultScheduleTimer, type ScheduleTimer } from './lifecycle-timer.js'
import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'

/** How long events of one app are gathered into one webhook request, in ms (Soketi's batching window). */
export const DEFAULT_BATCH_WINDOW_MS = 50
/** Most events in one webhook request. */
export const DEFAULT_BATCH_MAX_EVENTS = 50

/** Options of {@link LifecycleBatcher}. */
export interface LifecycleBatcherOptions {
  /** Receives each batch: events of one app, in the order observed. */
  readonly onBatch: (appId: string, events: readonly LifecycleEvent[]) => void
  /** @default 50 */
  readonly windowMs?: number | undefined
  /** A batch that reaches this size is sent at once. @default 50 */
  readonly maxEvents?: number | undefined
  /** Timer port, for tests. @default setTimeout (unref'd) */
  readonly schedule?: ScheduleTimer | undefined
}

/**
 * Gathers the events of one app for a short window so a burst shares one request, bounded in size.
 * A `cache_miss` already waiting in the batch for the same channel is not repeated (Pusher deduplicates them).
 */
export class LifecycleBatcher implements LifecycleObserver {
  readonly #onBatch: LifecycleBatcherOptions['onBatch']
  readonly #windowMs: number
  readonly #maxEvents: number
  readonly #schedule: ScheduleTimer
  readonly #batches = new Map<string, { readonly events: LifecycleEvent[]; readonly cancel: () => void }>()

  constructor(options: LifecycleBatcherOptions) {
    this.#onBatch = options.onBatch
    this.#windowMs = options.windowMs ?? DEFAULT_BATCH_WINDOW_MS
    this.#maxEvents = options.maxEvents ?? DEFAULT_BATCH_MAX_EVENTS
    this.#schedule = options.schedule ?? defaultScheduleTimer
  }

  observe(event: LifecycleEvent): void {
    let batch = this.#batches.get(event.appId)
    if (batch === undefined) {
      batch = { events: [], cancel: this.#schedule(() => this.#send(event.appId), this.#windowMs) }
      this.#batches.set(event.appId, batch)
    } else if (event.name === 'cache_miss' && batch.events.some((e) => e.name === 'cache_miss' && e.channel === event.channel)) {
      return
    }
    batch.events.push(event)
    if (batch.events.length >= this.#maxEvents) this.#send(event.appId)
  }

  /** Sends every waiting batch now. */
  flush(): void {
    for (const appId of [...this.#batches.keys()]) this.#send(appId)
  }

  #send(appId: string): void {
    const batch = this.#batches.get(appId)
    if (batch === undefined) return
    this.#batches.delete(appId)
    batch.cancel()
    this.#onBatch(appId, batch.events)
  }
}
