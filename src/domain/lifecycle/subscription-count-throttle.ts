import { defaultScheduleTimer, type ScheduleTimer } from './lifecycle-timer.js'
import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'

/** How often a channel's subscription count is sent at most, ms. */
export const DEFAULT_SUBSCRIPTION_COUNT_WINDOW_MS = 1000

/** What the throttle needs from the server: a per-channel window, the current count, and delivery to subscribers. */
export interface SubscriptionCountPort {
  /**
   * Claims the channel's window of `windowMs`: `true` when this server is to send the count now (nobody sent one
   * within the window), otherwise the ms until the window ends. In a cluster the claim is shared (Redis), so one
   * server sends for all.
   */
  claim(appId: string, channel: string, windowMs: number): Promise<true | number>
  /** The channel's subscription count now (cluster-wide in a cluster). */
  count(appId: string, channel: string): Promise<number>
  /** Sends `pusher_internal:subscription_count` to the channel's subscribers (on every server). */
  publish(appId: string, channel: string, count: number): Promise<void>
}

/** Options of {@link SubscriptionCountThrottle}. */
export interface SubscriptionCountThrottleOptions {
  /** Where the `subscription_count` events that were sent go (webhooks, hooks), and every other event. */
  readonly next: LifecycleObserver
  /** Whether an app counts subscriptions (`subscriptionCount: true`). */
  readonly enabled: (appId: string) => boolean
  /** A claim, a count or a publish failed. */
  readonly onError: (err: unknown, appId: string, channel: string) => void
  /** @default 1000 */
  readonly windowMs?: number | undefined
  /** Timer port, for tests. */
  readonly schedule?: ScheduleTimer | undefined
}

/**
 * Pusher's subscription counting: when a non-presence channel's count changes (the hub reports each change as
 * a raw `subscription_count` event), its subscribers get `pusher_internal:subscription_count` and the app a
 * `subscription_count` webhook, at most once per window per channel. A change inside a window is covered by one
 * retry when the window ends: whoever then wins the claim reads the count after that change, so the last count
 * always goes out, once (per cluster, when the claim is shared).
 */
export class SubscriptionCountThrottle implements LifecycleObserver {
  readonly #o: SubscriptionCountThrottleOptions
  readonly #windowMs: number
  readonly #schedule: ScheduleTimer
  /** Channels with a retry waiting for their window to end (a later change needs no second one). */
  readonly #retrying = new Set<string>()
  #port: SubscriptionCountPort | undefined

  constructor(options: SubscriptionCountThrottleOptions) {
    this.#o = options
    this.#windowMs = options.windowMs ?? DEFAULT_SUBSCRIPTION_COUNT_WINDOW_MS
    this.#schedule = options.schedule ?? defaultScheduleTimer
  }

  /** Connects the server's side (its hub exists only after the pipeline); counts reported before are dropped. */
  connect(port: SubscriptionCountPort): void {
    this.#port = port
  }

  /** Channels waiting for a retry. */
  get retrying(): number {
    return this.#retrying.size
  }

  observe(event: LifecycleEvent): void {
    if (event.name !== 'subscription_count') return this.#o.next.observe(event)
    const port = this.#port
    if (port === undefined || event.channel.startsWith('presence-') || !this.#o.enabled(event.appId)) return
    if (this.#retrying.has(key(event.appId, event.channel))) return
    void this.#attempt(port, event.appId, event.channel, true)
  }

  async #attempt(port: SubscriptionCountPort, appId: string, channel: string, mayRetry: boolean): Promise<void> {
    try {
      const claimed = await port.claim(appId, channel, this.#windowMs)
      if (claimed === true) {
        const count = await port.count(appId, channel)
        await port.publish(appId, channel, count)
        this.#o.next.observe({ name: 'subscription_count', appId, channel, subscriptionCount: count })
      } else if (mayRetry && !this.#retrying.has(key(appId, channel))) {
        this.#retrying.add(key(appId, channel))
        this.#schedule(() => {
          this.#retrying.delete(key(appId, channel))
          void this.#attempt(port, appId, channel, false)
        }, Math.max(1, claimed))
      }
    } catch (err) {
      this.#o.onError(err, appId, channel)
    }
  }
}

/** In-process windows for one server: a claim is won when the channel's last window has ended. */
export class LocalCountWindows {
  /** app \0 channel → when its window ends; kept in claim order, so ended ones are dropped from the front. */
  readonly #ends = new Map<string, number>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Windows remembered (for leak tests). */
  get size(): number {
    return this.#ends.size
  }

  claim(appId: string, channel: string, windowMs: number): true | number {
    const now = this.#now()
    for (const [k, end] of this.#ends) {
      if (end > now) break
      this.#ends.delete(k)
    }
    const k = key(appId, channel)
    const end = this.#ends.get(k)
    if (end !== undefined) return end - now
    this.#ends.set(k, now + windowMs)
    return true
  }
}

function key(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}
