import { AppReadyGate } from './app-ready-gate.js'
import { LifecycleBatcher } from './lifecycle-batcher.js'
import { LifecycleDelay } from './lifecycle-delay.js'
import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'
import { fanOutLifecycle, LifecycleHooks } from './lifecycle-hooks.js'
import type { ScheduleTimer } from './lifecycle-timer.js'
import { SubscriptionCountThrottle, type SubscriptionCountPort } from './subscription-count-throttle.js'
import { WebhookDispatcher, type WebhookApp } from './webhook-dispatcher.js'
import type { WebhookDeliveryPort } from './webhook-request.js'

/** Inputs of {@link createLifecyclePipeline}. */
export interface LifecyclePipelineOptions {
  /** The app of an id (its credentials and webhook targets), at once: it is asked on the hub's path. */
  readonly app: (appId: string) => WebhookApp | undefined
  /**
   * For apps from an asynchronous source (a database): `undefined` when {@link app} answers for the id now, else a
   * promise (never rejecting) settling once it does; that app's events wait for it, in order. @default always ready
   */
  readonly ready?: ((appId: string) => Promise<void> | undefined) | undefined
  /** Where signed webhook requests go. */
  readonly delivery: WebhookDeliveryPort
  /** A hook listener threw or rejected. */
  readonly onHookError: (err: unknown, event: LifecycleEvent) => void
  /** Sending a subscription count failed (Redis, the hub). */
  readonly onCountError: (err: unknown, appId: string, channel: string) => void
  /** Departure delay, ms. @default 3000 */
  readonly delayMs?: number
  /** Batching window, ms. @default 50 */
  readonly batchWindowMs?: number
  /** Most events per request. @default 50 */
  readonly batchMaxEvents?: number
  /** Most one subscription count per channel per this many ms. @default 1000 */
  readonly countWindowMs?: number
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
  /** Connects subscription counting to the server's hub, once it exists. */
  connectCounts(port: SubscriptionCountPort): void
  /** Sends what is held (departures, open batches) now; at shutdown. */
  flush(): void
}

/**
 * observer → departure delay → settled (subscription counts throttled) → (in-process hooks, and for apps with webhooks: batching → one signed
 * request per target → delivery). With `ready`, events of an app not known yet wait for its lookup at the entrance
 * (`observer`, `settled`); known apps pass straight through.
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
  // Raw count changes are throttled into sent counts here; every other event passes through.
  const settled = new SubscriptionCountThrottle({
    next: fanOutLifecycle(hooks, webhooks),
    enabled: (appId) => options.app(appId)?.subscriptionCount === true,
    onError: options.onCountError,
    windowMs: options.countWindowMs,
    schedule: options.schedule,
  })
  const delay = new LifecycleDelay({
    next: settled,
    delayMs: options.delayMs,
    schedule: options.schedule,
  })
  // Nothing is held for events nobody listens to (an app without webhooks or counting, and no hooks). Any hook
  // counts, not only one of the event's name: a held departure must see the return that cancels it.
  const wanted = (event: LifecycleEvent): boolean =>
    event.name === 'subscription_count' ? options.app(event.appId)?.subscriptionCount === true : dispatcher.wants(event.appId) || hooks.has()
  const entrance: LifecycleObserver = {
    observe(event) {
      if (wanted(event)) delay.observe(event)
    },
  }
  const ready = options.ready
  return {
    observer: ready === undefined ? entrance : new AppReadyGate(entrance, ready),
    settled: ready === undefined ? settled : new AppReadyGate(settled, ready),
    hooks,
    connectCounts: (port) => settled.connect(port),
    flush() {
      delay.flush()
      batcher.flush()
    },
  }
}
