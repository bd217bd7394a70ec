import { LifecycleBatcher } from './lifecycle-batcher.js'
import { LifecycleDelay } from './lifecycle-delay.js'
import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'
import { fanOutLifecycle, LifecycleHooks } from './lifecycle-hooks.js'
import type { ScheduleTimer } from './lifecycle-timer.js'
import { WebhookDispatcher, type WebhookApp } from './webhook-dispatcher.js'
import type { WebhookDeliveryPort } from './webhook-request.js'

/** Inputs of {@link createLifecyclePipeline}. */
export interface LifecyclePipelineOptions {
  /** The app of an id (its credentials and webhook targets). */
  readonly app: (appId: string) => WebhookApp | undefined
  /** Where signed webhook requests go. */
  readonly delivery: WebhookDeliveryPort
  /** A hook listener threw or rejected. */
  readonly onHookError: (err: unknown, event: LifecycleEvent) => void
  /** Departure delay, ms. @default 3000 */
  readonly delayMs?: number
  /** Batching window, ms. @default 50 */
  readonly batchWindowMs?: number
  /** Most events per request. @default 50 */
  readonly batchMaxEvents?: number
  /** Timer port, for tests. */
  readonly schedule?: ScheduleTimer
  /** Clock of `time_ms`, for tests. @default Date.now */
  readonly now?: () => number
}

/** The lifecycle events' way from the hub to webhooks and in-process hooks. */
export interface LifecyclePipeline {
  /** Where a single process reports raw transitions (departures are delayed here). */
  readonly observer: LifecycleObserver
  /** Where events that are already settled go (a cluster applies the departure delay itself, in Redis). */
  readonly settled: LifecycleObserver
  /** The in-process listeners. */
  readonly hooks: LifecycleHooks
  /** Sends what is held (departures, open batches) now; at shutdown. */
  flush(): void
}

/**
 * observer → departure delay → settled → (in-process hooks, and for apps with webhooks: batching → one signed
 * request per target → delivery).
 */
export function createLifecyclePipeline(options: LifecyclePipelineOptions): LifecyclePipeline {
  const dispatcher = new WebhookDispatcher(options.app, options.delivery, options.now)
  const batcher = new LifecycleBatcher({
    onBatch: (appId, events) => dispatcher.dispatch(appId, events),
    windowMs: options.batchWindowMs,
    maxEvents: options.batchMaxEvents,
    schedule: options.schedule,
  })
  const hooks = new LifecycleHooks(options.onHookError)
  const webhooks: LifecycleObserver = {
    observe(event) {
      if (dispatcher.wants(event.appId)) batcher.observe(event)
    },
  }
  const settled = fanOutLifecycle(hooks, webhooks)
  const delay = new LifecycleDelay({
    next: settled,
    delayMs: options.delayMs,
    schedule: options.schedule,
  })
  return {
    observer: delay,
    settled,
    hooks,
    flush() {
      delay.flush()
      batcher.flush()
    },
  }
}
