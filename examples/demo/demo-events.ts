import { BroadcastEvent, Channel, PresenceChannel, PrivateChannel } from '../../src/index.js' // in an app: 'herald'
import type { DemoUser } from './demo-users.js'
import type { FeedPost } from './feed-store.js'

/** What a page shows about a user: never the token, only public profile fields. */
export type PublicUser = Pick<DemoUser, 'id' | 'username' | 'name' | 'color'>

export function publicUser(user: DemoUser): PublicUser {
  return { id: user.id, username: user.username, name: user.name, color: user.color }
}

/**
 * Posted to the public live feed. Dispatched through the `EventDispatcher`: the feed listener stores
 * it first, then it is broadcast on `feed` automatically. Payload = the public fields below.
 */
export class FeedPosted extends BroadcastEvent implements FeedPost {
  readonly id: string
  readonly author: PublicUser
  readonly text: string
  readonly at: number

  constructor(post: FeedPost) {
    super()
    this.id = post.id
    this.author = post.author
    this.text = post.text
    this.at = post.at
  }

  broadcastOn(): Channel {
    return new Channel('feed')
  }

  // Explicit names survive minifiers, which rename classes (the default name is the class name).
  override broadcastAs(): string {
    return 'FeedPosted'
  }
}

/** A notification for one user, on their `private-user.{id}` channel only. */
export class UserNotified extends BroadcastEvent {
  readonly from: PublicUser
  readonly text: string
  readonly at = Date.now()
  // #private: the recipient decides the channel but is not part of the payload.
  readonly #recipientId: number

  constructor(recipientId: number, from: PublicUser, text: string) {
    super()
    this.#recipientId = recipientId
    this.from = from
    this.text = text
  }

  broadcastOn(): PrivateChannel {
    return new PrivateChannel(`user.${this.#recipientId}`)
  }

  override broadcastAs(): string {
    return 'UserNotified'
  }
}

/** A chat message in a presence room, sent `toOthers` because the sender already shows it. */
export class ChatMessageSent extends BroadcastEvent {
  readonly author: PublicUser
  readonly text: string
  readonly at = Date.now()
  readonly #roomId: string

  constructor(roomId: string, author: PublicUser, text: string) {
    super()
    this.#roomId = roomId
    this.author = author
    this.text = text
  }

  broadcastOn(): PresenceChannel {
    return new PresenceChannel(`room.${this.#roomId}`)
  }

  override broadcastAs(): string {
    return 'ChatMessageSent'
  }
}
