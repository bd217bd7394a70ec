import { test } from 'node:test'
import assert from 'node:assert/strict'
import { UserTies } from '../../../src/domain/realtime/user-ties.js'
import { SubscriberFake } from './fake-subscriber.js'

test('a connection stays tied to its user until every reason (sign-in, presence channels) is gone', () => {
  const ties = new UserTies()
  const tab = new SubscriberFake('1.1')
  ties.change('app', 'u1', tab, 1) // signed in
  ties.change('app', 'u1', tab, 1) // joined a presence channel
  ties.change('app', 'u1', tab, -1)
  assert.deepEqual([...(ties.subscribersOf('app', 'u1')?.keys() ?? [])], [tab], 'one reason is left')
  ties.change('app', 'u1', tab, -1)
  assert.equal(ties.subscribersOf('app', 'u1'), undefined)
  assert.equal(ties.size, 0, 'empty maps are removed at once')
})

test('users and apps are kept apart; removing what was never tied changes nothing', () => {
  const ties = new UserTies()
  const a = new SubscriberFake('1.1')
  const b = new SubscriberFake('2.2')
  ties.change('app', 'u1', a, 1)
  ties.change('app', 'u1', b, 1)
  ties.change('other', 'u1', b, 1)
  ties.change('nobody', 'u1', a, -1)
  ties.change('app', 'u2', a, -1)
  ties.change('app', 'u1', new SubscriberFake('3.3'), -1)
  assert.deepEqual([...(ties.subscribersOf('app', 'u1')?.keys() ?? [])], [a, b])
  assert.deepEqual([...(ties.subscribersOf('other', 'u1')?.keys() ?? [])], [b])
  assert.equal(ties.size, 2)
})
