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

/** A stored post: the "model" whose changes the demo broadcasts as `PostUpdated`. */
export interface StoredPost extends FeedPost {
  readonly likes: number
}

/**
 * The demo's "database": the latest feed posts in memory, newest first. Filled by an
 * `EventDispatcher` listener, which runs before the event is broadcast.
 */
export class FeedStore {
  #posts: StoredPost[] = []

  add(post: FeedPost): void {
    const stored: StoredPost = { id: post.id, author: post.author, text: post.text, at: post.at, likes: 0 }
    this.#posts = [stored, ...this.#posts].slice(0, KEPT_POSTS)
  }

  /** Adds a like; the updated post, or `undefined` for an unknown (or no longer kept) post. */
  like(id: string): StoredPost | undefined {
    const index = this.#posts.findIndex((p) => p.id === id)
    const post = this.#posts[index]
    if (post === undefined) return undefined
    const liked = { ...post, likes: post.likes + 1 }
    this.#posts = this.#posts.with(index, liked)
    return liked
  }

  latest(): readonly StoredPost[] {
    return this.#posts
  }
}
