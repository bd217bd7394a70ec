import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ChannelSubscriptions } from '../../../src/domain/realtime/channel-subscriptions.js'
import { SubscriberFake } from './fake-subscriber.js'

test('add is idempotent and remove reports whether the subscriber was there', () => {
  const subs = new ChannelSubscriptions()
  const a = new SubscriberFake('1.1')
  assert.equal(subs.add('app', 'orders', a), true)
  assert.equal(subs.add('app', 'orders', a), false)
  assert.equal(subs.count('app', 'orders'), 1)
  assert.equal(subs.remove('app', 'orders', a), true)
  assert.equal(subs.remove('app', 'orders', a), false)
})

test('channels are per app and empty channels and apps are dropped', () => {
  const subs = new ChannelSubscriptions()
  const a = new SubscriberFake('1.1')
  const b = new SubscriberFake('2.2')
  subs.add('app1', 'orders', a)
  subs.add('app2', 'orders', b)
  assert.deepEqual([...subs.subscribersOf('app1', 'orders') ?? []], [a])
  assert.deepEqual([...subs.channelsOf('app2')], [['orders', 1]])
  subs.remove('app1', 'orders', a)
  subs.remove('app2', 'orders', b)
  assert.equal(subs.subscribersOf('app1', 'orders'), undefined)
  assert.equal(subs.appCount, 0)
  assert.deepEqual([...subs.channelsOf('app1')], [])
})
