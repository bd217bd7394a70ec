/** One post on the public feed, as stored and as broadcast. */
export interface FeedPost {
  readonly id: string
  readonly author: { readonly id: number; readonly username: string; readonly name: string; readonly color: string }
  readonly text: string
  /** Epoch milliseconds. */
  readonly at: number
}

/** How many posts a freshly opened page gets. */
const KEPT_POSTS = 20

/**
 * The demo's "database": the latest feed posts in memory, newest first. Filled by an
 * `EventDispatcher` listener, which runs before the event is broadcast.
 */
export class FeedStore {
  #posts: FeedPost[] = []

  add(post: FeedPost): void {
    this.#posts = [post, ...this.#posts].slice(0, KEPT_POSTS)
  }

  latest(): readonly FeedPost[] {
    return this.#posts
  }
}
