/** One distinct user on a presence channel. */
interface Member {
  /** Open subscriptions of this user on the channel (tabs); the member leaves when it drops to 0. */
  connections: number
  /** `user_info` as parsed from the subscriber's `channel_data`; `undefined` when none was given. */
  readonly userInfo: unknown
}

/**
 * The members of one presence channel: user id → connection count and `user_info`.
 * A user with two tabs is one member. The `{presence:{ids,hash,count}}` roster sent with
 * `subscription_succeeded` is serialised once and cached until membership changes.
 */
export class PresenceRoster {
  readonly #members = new Map<string, Member>()
  #serialised: string | undefined

  /** Adds one connection of `userId`; true when this is the user's first (a member joined). */
  join(userId: string, userInfo: unknown): boolean {
    const member = this.#members.get(userId)
    if (member !== undefined) {
      member.connections += 1
      return false
    }
    this.#members.set(userId, { connections: 1, userInfo })
    this.#serialised = undefined
    return true
  }

  /** Removes one connection of `userId`; true when it was the user's last (a member left). */
  leave(userId: string): boolean {
    const member = this.#members.get(userId)
    if (member === undefined) return false
    member.connections -= 1
    if (member.connections > 0) return false
    this.#members.delete(userId)
    this.#serialised = undefined
    return true
  }

  /** Distinct members. */
  get size(): number {
    return this.#members.size
  }

  /** Whether `userId` is a member (has at least one open subscription). */
  has(userId: string): boolean {
    return this.#members.has(userId)
  }

  /** Distinct user ids. */
  userIds(): string[] {
    return [...this.#members.keys()]
  }

  /** The member's `user_info`, or undefined. */
  userInfoOf(userId: string): unknown {
    return this.#members.get(userId)?.userInfo
  }

  /** `{"presence":{"ids":[…],"hash":{…},"count":n}}`, serialised once per membership change. */
  serialised(): string {
    if (this.#serialised !== undefined) return this.#serialised
    const ids: string[] = []
    const hash: Record<string, unknown> = {}
    for (const [id, member] of this.#members) {
      ids.push(id)
      hash[id] = member.userInfo ?? null
    }
    this.#serialised = JSON.stringify({ presence: { ids, hash, count: ids.length } })
    return this.#serialised
  }
}
