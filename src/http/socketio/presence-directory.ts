/**
 * The `user_info` of the presence members that Socket.IO clients were told of, per app and channel, for as long as
 * a Socket.IO client is on the channel. Echo's `leaving(member => member.user_info)` needs the info of a member who
 * left, and the hub's `member_removed` (Pusher's) carries only the user id: pusher-js looks it up in its own list,
 * so Herald does the same once for all Socket.IO clients of the server.
 */
export class PresenceDirectory {
  /** appId\0channel → Socket.IO subscriptions on it and the members they were told of. */
  readonly #channels = new Map<string, { subscriptions: number; readonly members: Map<string, unknown> }>()

  /** A Socket.IO client joined the presence channel: its members are kept from now on. */
  open(appId: string, channel: string): void {
    const k = key(appId, channel)
    const entry = this.#channels.get(k)
    if (entry === undefined) this.#channels.set(k, { subscriptions: 1, members: new Map() })
    else entry.subscriptions++
  }

  /** A Socket.IO client left the presence channel; with the last one, its members are forgotten. */
  close(appId: string, channel: string): void {
    const k = key(appId, channel)
    const entry = this.#channels.get(k)
    if (entry === undefined) return
    if (--entry.subscriptions <= 0) this.#channels.delete(k)
  }

  /** Records a member (from a roster or `member_added`); ignored on channels without Socket.IO clients. */
  remember(appId: string, channel: string, userId: string, userInfo: unknown): void {
    this.#channels.get(key(appId, channel))?.members.set(userId, userInfo)
  }

  /** Forgets a member that left and returns its `user_info` (undefined when unknown). */
  forget(appId: string, channel: string, userId: string): unknown {
    const members = this.#channels.get(key(appId, channel))?.members
    const info = members?.get(userId)
    members?.delete(userId)
    return info
  }

  /** Channels tracked (for leak tests). */
  get size(): number {
    return this.#channels.size
  }
}

function key(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}
