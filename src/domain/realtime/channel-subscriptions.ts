import type { Subscriber } from './subscriber.js'

/**
 * Which subscribers are on which channel of which app.
 * A publish looks up one set, so its cost is proportional to that channel's subscribers;
 * empty channels and apps are dropped at once, so subscribe/unsubscribe cycles leave nothing behind.
 */
export class ChannelSubscriptions {
  readonly #apps = new Map<string, Map<string, Set<Subscriber>>>()

  /** Adds `subscriber` to `channel`; false when it was already there. */
  add(appId: string, channel: string, subscriber: Subscriber): boolean {
    let channels = this.#apps.get(appId)
    if (channels === undefined) {
      channels = new Map()
      this.#apps.set(appId, channels)
    }
    let set = channels.get(channel)
    if (set === undefined) {
      set = new Set()
      channels.set(channel, set)
    }
    if (set.has(subscriber)) return false
    set.add(subscriber)
    return true
  }

  /** Per app: occupied channels and subscriptions (walks the channels, so for metrics, not the hot path). */
  countsByApp(): Map<string, { channels: number; subscriptions: number }> {
    const counts = new Map<string, { channels: number; subscriptions: number }>()
    for (const [appId, channels] of this.#apps) {
      let subscriptions = 0
      for (const set of channels.values()) subscriptions += set.size
      counts.set(appId, { channels: channels.size, subscriptions })
    }
    return counts
  }

  /** Removes `subscriber` from `channel`; false when it was not there. */
  remove(appId: string, channel: string, subscriber: Subscriber): boolean {
    const channels = this.#apps.get(appId)
    const set = channels?.get(channel)
    if (channels === undefined || set === undefined || !set.delete(subscriber)) return false
    if (set.size === 0) {
      channels.delete(channel)
      if (channels.size === 0) this.#apps.delete(appId)
    }
    return true
  }

  /** The live set of a channel's subscribers (do not mutate), or undefined when nobody is subscribed. */
  subscribersOf(appId: string, channel: string): ReadonlySet<Subscriber> | undefined {
    return this.#apps.get(appId)?.get(channel)
  }

  /** How many subscribers `channel` has. */
  count(appId: string, channel: string): number {
    return this.#apps.get(appId)?.get(channel)?.size ?? 0
  }

  /** Occupied channels of an app with their subscriber counts. */
  *channelsOf(appId: string): IterableIterator<[string, number]> {
    const channels = this.#apps.get(appId)
    if (channels === undefined) return
    for (const [name, set] of channels) yield [name, set.size]
  }

  /** Number of apps with at least one occupied channel (for leak checks). */
  get appCount(): number {
    return this.#apps.size
  }
}
