import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcasting } from '../../../src/domain/broadcasting/index.js'
import { Channel } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import {
  MODEL_EVENT_TYPES,
  ModelEventOccurred,
  broadcastsModelEvent,
  modelChannelName,
  modelEventName,
} from '../../../src/domain/models/model-event.js'
import { BroadcasterFake } from '../../../src/testing/broadcaster-fake.js'

const post = { name: 'Post', key: 1, attributes: { id: 1, title: 'Hi' } }

describe('model broadcasting core', () => {
  test('Laravel\'s defaults: PostCreated … on private-App.Models.Post.{key} with { model }', async () => {
    const fake = new BroadcasterFake()
    const broadcasting = new Broadcasting({ default: 'main', connections: { main: fake } })
    for (const type of MODEL_EVENT_TYPES) await broadcasting.event(new ModelEventOccurred(post, type))
    assert.deepEqual(fake.calls.map((m) => [m.event, m.channels]), [
      ['PostCreated', ['private-App.Models.Post.1']],
      ['PostUpdated', ['private-App.Models.Post.1']],
      ['PostDeleted', ['private-App.Models.Post.1']],
      ['PostTrashed', ['private-App.Models.Post.1']],
      ['PostRestored', ['private-App.Models.Post.1']],
    ])
    assert.deepEqual(fake.calls[0]?.payload, { model: { id: 1, title: 'Hi' } })
  })

  test('per-event overrides: channels, name, payload, connection, queue, queue connection', () => {
    const seen: string[] = []
    const rules = {
      namespace: 'Blog',
      broadcastOn: (type: string) => (type === 'deleted' ? [] : [new Channel('posts')]),
      broadcastAs: (type: string, m: { name: string }) => `${m.name}.${type}`,
      broadcastWith: (type: string) => {
        seen.push(type)
        return { type }
      },
      broadcastVia: () => 'redis',
      broadcastQueue: () => 'models',
      broadcastConnection: () => 'bullmq',
    }
    const e = new ModelEventOccurred(post, 'updated', rules)
    assert.deepEqual(e.broadcastOn(), [new Channel('posts')])
    assert.equal(e.broadcastAs(), 'Post.updated')
    assert.deepEqual(e.broadcastWith(), { type: 'updated' })
    assert.deepEqual([e.broadcastVia(), e.broadcastQueue(), e.broadcastConnection()], ['redis', 'models', 'bullmq'])
    const plain = new ModelEventOccurred(post, 'created', { namespace: 'Blog' })
    assert.equal(String(plain.broadcastOn()), 'private-Blog.Post.1')
    assert.deepEqual([plain.broadcastVia(), plain.broadcastQueue(), plain.broadcastConnection()], [undefined, undefined, undefined])
  })

  test('names and filters', () => {
    assert.equal(modelChannelName('Post', 'a-1'), 'App.Models.Post.a-1')
    assert.equal(modelChannelName('Post', 2, ''), 'Post.2')
    assert.equal(modelEventName('Comment', 'trashed'), 'CommentTrashed')
    assert.equal(broadcastsModelEvent({}, 'deleted'), true)
    assert.equal(broadcastsModelEvent({ events: ['created'] }, 'deleted'), false)
  })

  test('bad input is refused with the reason', () => {
    const is = (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent)
    assert.throws(() => new ModelEventOccurred(post, 'saved' as never), (e: unknown) => is(e) && /unknown model event "saved"/.test((e as Error).message))
    assert.throws(() => new ModelEventOccurred({ ...post, name: '' }, 'created'), is)
    assert.throws(() => new ModelEventOccurred({ ...post, key: '' }, 'created'), (e: unknown) => is(e) && /needs the model key/.test((e as Error).message))
  })
})
