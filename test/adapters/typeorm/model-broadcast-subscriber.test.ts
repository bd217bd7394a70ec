import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client } from 'pg'
import { DataSource, EntitySchema } from 'typeorm'
import { broadcastModelEvents } from '../../../src/adapters/typeorm/model-broadcast-subscriber.js'
import { Broadcasting } from '../../../src/domain/broadcasting/broadcasting.js'
import { NullBroadcaster } from '../../../src/adapters/null/null-broadcaster.js'
import { BroadcasterFake } from '../../../src/testing/broadcaster-fake.js'
import { recordingLogger } from '../queue/recording-logger.js'

// The machine's PostgreSQL; this file's own schema, so parallel test files never collide.
const DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `herald_typeorm_${process.pid}`

interface Post {
  id: number
  title: string
  deletedAt?: Date | null
}
interface Tag {
  id: number
  name: string
}
const PostEntity = new EntitySchema<Post>({
  name: 'Post',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    title: { type: String },
    deletedAt: { type: 'timestamptz', deleteDate: true, nullable: true },
  },
})
const TagEntity = new EntitySchema<Tag>({ name: 'Tag', columns: { id: { type: Number, primary: true, generated: 'increment' }, name: { type: String } } })

let dataSource: DataSource
const broadcasting = new Broadcasting({ default: 'main', connections: { main: new NullBroadcaster() } })
const logger = recordingLogger()

before(async () => {
  const admin = new Client({ connectionString: DATABASE_URL })
  try {
    await admin.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is needed at ${DATABASE_URL} (set HERALD_TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err })
  }
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`)
  await admin.end()
  dataSource = new DataSource({
    type: 'postgres',
    url: DATABASE_URL,
    schema: SCHEMA,
    entities: [PostEntity, TagEntity],
    synchronize: true,
  })
  await dataSource.initialize()
  broadcastModelEvents(dataSource, { broadcasting, models: { Post: {} }, logger })
})
after(async () => {
  await dataSource?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
  await dataSource?.destroy()
})

describe('TypeORM model broadcasting (real PostgreSQL)', () => {
  test('save, update, soft remove, recover, remove → PostCreated … PostDeleted on private-App.Models.Post.{id}', async (t) => {
    const fake = BroadcasterFake.install(broadcasting)
    t.after(() => fake.uninstall())
    const posts = dataSource.getRepository(PostEntity)
    const post = await posts.save({ title: 'Hello' })
    post.title = 'Hello, world'
    await posts.save(post)
    await posts.softRemove(post)
    await posts.recover(post)
    const id = post.id
    await posts.remove(post)
    await dataSource.getRepository(TagEntity).save({ name: 'not broadcast' })

    assert.deepEqual(fake.calls.map((m) => [m.event, m.channels]), [
      ['PostCreated', [`private-App.Models.Post.${id}`]],
      ['PostUpdated', [`private-App.Models.Post.${id}`]],
      ['PostTrashed', [`private-App.Models.Post.${id}`]],
      ['PostRestored', [`private-App.Models.Post.${id}`]],
      ['PostDeleted', [`private-App.Models.Post.${id}`]],
    ])
    assert.deepEqual(fake.calls[0]?.payload, { model: { id, title: 'Hello', deletedAt: null } })
    assert.deepEqual((fake.calls[1]!.payload as { model: Post }).model.title, 'Hello, world')
    assert.equal((fake.calls[4]!.payload as { model: Post }).model.id, id)
    fake.assertQueued('PostCreated')
  })

  test('inside a transaction: held until commit, with the model as it was; dropped on rollback', async (t) => {
    const fake = BroadcasterFake.install(broadcasting)
    t.after(() => fake.uninstall())
    let seenInside = -1
    await dataSource.transaction(async (manager) => {
      const post = await manager.save(PostEntity, { title: 'draft' })
      post.title = 'final'
      await manager.save(PostEntity, post)
      seenInside = fake.calls.length
    })
    assert.equal(seenInside, 0)
    assert.deepEqual(fake.calls.map((m) => [m.event, (m.payload as { model: Post }).model.title]), [
      ['PostCreated', 'draft'],
      ['PostUpdated', 'final'],
    ])

    fake.reset()
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        await manager.save(PostEntity, { title: 'doomed' })
        throw new Error('abort')
      }),
      /abort/,
    )
    fake.assertNothingBroadcasted()
    assert.equal(await dataSource.getRepository(PostEntity).countBy({ title: 'doomed' }), 0)
  })

  test('a rolled-back savepoint drops only its own broadcasts', async (t) => {
    const fake = BroadcasterFake.install(broadcasting)
    t.after(() => fake.uninstall())
    const runner = dataSource.createQueryRunner()
    t.after(() => runner.release())
    await runner.startTransaction()
    await runner.manager.save(PostEntity, { title: 'kept' })
    await runner.startTransaction()
    await runner.manager.save(PostEntity, { title: 'savepoint dropped' })
    await runner.rollbackTransaction()
    await runner.startTransaction()
    await runner.manager.save(PostEntity, { title: 'savepoint kept' })
    await runner.commitTransaction()
    fake.assertNothingBroadcasted()
    await runner.commitTransaction()
    assert.deepEqual(fake.calls.map((m) => (m.payload as { model: Post }).model.title), ['kept', 'savepoint kept'])
  })

  test('queued with the other broadcasts: recorded as queued, broadcast when the queue runs', async (t) => {
    const fake = BroadcasterFake.install(broadcasting, { holdQueued: true })
    t.after(() => fake.uninstall())
    await dataSource.getRepository(PostEntity).save({ title: 'queued' })
    fake.assertQueued('PostCreated')
    fake.assertNothingBroadcasted()
    await fake.runQueued()
    fake.assertBroadcasted('PostCreated')
  })

  test('a broadcast failing after commit is logged, and the committed save() still resolves', async () => {
    const failing = new Broadcasting({ default: 'main', connections: { main: { broadcast: async () => Promise.reject(new Error('driver down')) } } })
    const errors = recordingLogger()
    const source = new DataSource({
      type: 'postgres',
      url: DATABASE_URL,
      schema: SCHEMA,
      entities: [PostEntity, TagEntity],
    })
    await source.initialize()
    broadcastModelEvents(source, { broadcasting: failing, models: { Post: { events: ['created'] } }, logger: errors })
    try {
      const post = await source.getRepository(PostEntity).save({ title: 'saved anyway' })
      assert.equal(await source.getRepository(PostEntity).countBy({ id: post.id }), 1)
      assert.equal(errors.lines.filter((l) => l.level === 'error' && /after commit failed/.test(l.msg ?? '')).length, 1)
      // `updated` is not in this model's events: nothing more is attempted.
      await source.getRepository(PostEntity).save({ ...post, title: 'x' })
      assert.equal(errors.lines.filter((l) => l.level === 'error').length, 1)
      // repository.update() loads no entity, so there is no key to broadcast on: logged at debug.
      await source.getRepository(PostEntity).update({ id: post.id }, { title: 'y' })
    } finally {
      await source.destroy()
    }
  })
})
