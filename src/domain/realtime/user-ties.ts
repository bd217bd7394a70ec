import type { Subscriber } from './subscriber.js'

/**
 * Which connections belong to which user, per app (for `terminate_connections`). A connection is
 * tied by a sign-in and by each presence channel it joined as the user; it stays tied until every
 * one of those reasons is gone. Empty maps are removed at once so nothing leaks.
 */
export class UserTies {
  /** appId → userId → subscriber → how many reasons tie it to the user. */
  readonly #apps = new Map<string, Map<string, Map<Subscriber, number>>>()

  /** Apps with at least one tied user, for leak tests. */
  get size(): number {
    return this.#apps.size
  }

  /** The connections tied to `userId`, if any (a live view: copy before closing them). */
  subscribersOf(appId: string, userId: string): ReadonlyMap<Subscriber, number> | undefined {
    return this.#apps.get(appId)?.get(userId)
  }

  /** Adds (`1`) or removes (`-1`) one reason tying `subscriber` to `userId`. */
  change(appId: string, userId: string, subscriber: Subscriber, delta: 1 | -1): void {
    let users = this.#apps.get(appId)
    if (users === undefined) {
      if (delta < 0) return
      users = new Map()
      this.#apps.set(appId, users)
    }
    let subs = users.get(userId)
    if (subs === undefined) {
      if (delta < 0) return
      subs = new Map()
      users.set(userId, subs)
    }
    const n = (subs.get(subscriber) ?? 0) + delta
    if (n > 0) subs.set(subscriber, n)
    else subs.delete(subscriber)
    if (subs.size === 0) users.delete(userId)
    if (users.size === 0) this.#apps.delete(appId)
  }
}
