// Model broadcasting with TypeORM on PostgreSQL, and a broadcast notification, through the log driver. Run it:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx examples/model-events.ts
// (test/readme/model-events.test.ts runs it in a schema of its own, given as DB_SCHEMA)
import { DataSource, EntitySchema } from 'typeorm'
import { createBroadcasting, loadConfig, notify } from '../src/index.js' // in your app: from 'herald'
import { broadcastModelEvents } from '../src/adapters/typeorm/index.js' // in your app: from 'herald/typeorm'

interface Post {
  id: number
  title: string
}
const Post = new EntitySchema<Post>({
  name: 'Post',
  columns: { id: { type: Number, primary: true, generated: 'increment' }, title: { type: String } },
})

class PostPublished {
  readonly post: Post
  constructor(post: Post) {
    this.post = post
  }
  toBroadcast() {
    return { postId: this.post.id, title: this.post.title }
  }
}

const broadcasting = createBroadcasting(loadConfig({ default: 'log' }))
const db = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema: process.env.DB_SCHEMA ?? 'public', entities: [Post], synchronize: true })
await db.initialize()
// Post broadcasts PostCreated, PostUpdated, PostDeleted… on private-App.Models.Post.{id} (Laravel's BroadcastsEvents).
broadcastModelEvents(db, { broadcasting, models: { Post: {} } })

const post = await db.getRepository(Post).save({ title: 'Hello' }) // PostCreated, once the save commits

await db
  .transaction(async (tx) => {
    await tx.save(Post, { ...post, title: 'Never saved' }) // held until commit…
    throw new Error('validation failed')
  })
  .catch(() => console.log('rolled back: nothing was broadcast')) // …and dropped on rollback

// Echo: Echo.private('App.Models.User.1').notification((n) => n.type === 'PostPublished')
await notify(broadcasting, { key: 1 }, new PostPublished(post))

await db.destroy()
await broadcasting.close()
