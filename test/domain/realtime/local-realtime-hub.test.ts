import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCacheChannel } from '../../../src/domain/realtime/channel-event-cache.js'
import { serialiseEventFrame } from '../../../src/domain/realtime/event-frame.js'
import { LocalRealtimeHub } from '../../../src/domain/realtime/local-realtime-hub.js'
import { SubscriberFake } from './fake-subscriber.js'

test('publish serialises one frame per channel, sends the same string to each subscriber and skips exceptSocketId', async () => {
  const hub = new LocalRealtimeHub()
  const [a, b, c] = [new SubscriberFake('1.1'), new SubscriberFake('2.2'), new SubscriberFake('3.3')]
  for (const s of [a, b, c]) hub.subscribe('app', 'orders', s)
  const data = '{"id":1,"big":"\\u00e9"}'
  await hub.publish({ appId: 'app', channels: ['orders', 'empty'], event: 'OrderShipped', data, exceptSocketId: '2.2' })
  assert.equal(b.frames.length, 0)
  assert.equal(a.frames.length, 1)
  assert.ok(Object.is(a.frames[0], c.frames[0]) || a.frames[0] === c.frames[0])
  assert.deepEqual(JSON.parse(a.frames[0] ?? ''), { event: 'OrderShipped', channel: 'orders', data })
})

test('data is forwarded as the given string, never re-parsed (even when it is not JSON)', async () => {
  const hub = new LocalRealtimeHub()
  const a = new SubscriberFake('1.1')
  hub.subscribe('app', 'x', a)
  await hub.publish({ appId: 'app', channels: ['x'], event: 'e', data: 'not json {' })
  assert.equal(a.events[0]?.data, 'not json {')
})

test('apps are isolated', async () => {
  const hub = new LocalRealtimeHub()
  const a = new SubscriberFake('1.1')
  hub.subscribe('app1', 'orders', a)
  await hub.publish({ appId: 'app2', channels: ['orders'], event: 'e', data: '{}' })
  assert.equal(a.frames.length, 0)
})

test('presence: member_added on a user\'s first connection, member_removed on the last, never to the joiner', () => {
  const hub = new LocalRealtimeHub()
  const ann = new SubscriberFake('1.1')
  const bo1 = new SubscriberFake('2.1')
  const bo2 = new SubscriberFake('2.2')
  const first = hub.subscribe('app', 'presence-chat', ann, { userId: '1', userInfo: { name: 'Ann' } })
  assert.deepEqual(JSON.parse(first.roster ?? ''), { presence: { ids: ['1'], hash: { '1': { name: 'Ann' } }, count: 1 } })
  hub.subscribe('app', 'presence-chat', bo1, { userId: '2', userInfo: { name: 'Bo' } })
  const second = hub.subscribe('app', 'presence-chat', bo2, { userId: '2', userInfo: { name: 'Bo' } })
  assert.equal(JSON.parse(second.roster ?? '').presence.count, 2)
  assert.deepEqual(ann.events, [{ event: 'pusher_internal:member_added', channel: 'presence-chat', data: '{"user_id":"2","user_info":{"name":"Bo"}}' }])
  assert.equal(bo1.frames.length, 0, 'the second tab of Bo announces nothing')
  hub.unsubscribe('app', 'presence-chat', bo1, '2')
  assert.equal(ann.frames.length, 1)
  hub.unsubscribe('app', 'presence-chat', bo2, '2')
  assert.deepEqual(ann.events[1], { event: 'pusher_internal:member_removed', channel: 'presence-chat', data: '{"user_id":"2"}' })
})

test('a repeated presence subscribe does not join twice', () => {
  const hub = new LocalRealtimeHub()
  const ann = new SubscriberFake('1.1')
  const bo = new SubscriberFake('2.1')
  hub.subscribe('app', 'presence-chat', ann, { userId: '1', userInfo: null })
  hub.subscribe('app', 'presence-chat', bo, { userId: '2', userInfo: null })
  const again = hub.subscribe('app', 'presence-chat', bo, { userId: '2', userInfo: null })
  assert.equal(again.added, false)
  assert.equal(ann.frames.length, 1)
  hub.unsubscribe('app', 'presence-chat', bo, '2')
  assert.equal(ann.frames.length, 2, 'one unsubscribe removes the member')
})

test('channel queries and presence users', async () => {
  const hub = new LocalRealtimeHub()
  hub.subscribe('app', 'orders', new SubscriberFake('1.1'))
  hub.subscribe('app', 'presence-room', new SubscriberFake('2.1'), { userId: '7', userInfo: undefined })
  hub.subscribe('app', 'presence-room', new SubscriberFake('2.2'), { userId: '7', userInfo: undefined })
  assert.deepEqual(await hub.channel('app', 'orders'), { occupied: true, subscriptionCount: 1 })
  assert.deepEqual(await hub.channel('app', 'presence-room'), { occupied: true, subscriptionCount: 2, userCount: 1 })
  assert.deepEqual(await hub.channel('app', 'nothing'), { occupied: false, subscriptionCount: 0 })
  assert.deepEqual([...(await hub.channels('app', 'presence-')).keys()], ['presence-room'])
  assert.deepEqual(await hub.presenceUsers('app', 'presence-room'), ['7'])
})

test('a slow consumer is closed with the slow-consumer code instead of being sent more', async () => {
  const hub = new LocalRealtimeHub({ maxBufferedBytes: 100, slowConsumerCloseCode: 4100 })
  const slow = new SubscriberFake('1.1')
  const fast = new SubscriberFake('2.2')
  hub.subscribe('app', 'x', slow)
  hub.subscribe('app', 'x', fast)
  slow.bufferedAmount = 101
  await hub.publish({ appId: 'app', channels: ['x'], event: 'e', data: '{}' })
  assert.equal(slow.frames.length, 0)
  assert.equal(slow.closes[0]?.code, 4100)
  assert.equal(fast.frames.length, 1)
})

test('cache channels keep the last server event (not client events) until the TTL passes', async () => {
  let now = 0
  const hub = new LocalRealtimeHub({ cacheTtlMs: 1000, now: () => now })
  assert.equal(isCacheChannel('private-cache-x'), true)
  assert.equal(isCacheChannel('orders'), false)
  await hub.publish({ appId: 'app', channels: ['cache-x'], event: 'e1', data: '1' })
  await hub.publish({ appId: 'app', channels: ['cache-x'], event: 'e2', data: '2' })
  await hub.publish({ appId: 'app', channels: ['cache-x'], event: 'client-typing', data: '3' })
  assert.equal(hub.cachedFrame('app', 'cache-x'), serialiseEventFrame('e2', 'cache-x', '2'))
  now = 1001
  assert.equal(hub.cachedFrame('app', 'cache-x'), undefined)
})

test('terminateUser closes every connection signed in or present as the user', async () => {
  const hub = new LocalRealtimeHub({ terminatedCloseCode: 4009 })
  const signedIn = new SubscriberFake('1.1')
  const present = new SubscriberFake('1.2')
  const other = new SubscriberFake('2.1')
  hub.signIn('app', '7', signedIn)
  hub.subscribe('app', 'presence-x', present, { userId: '7', userInfo: null })
  hub.signIn('app', '8', other)
  await hub.terminateUser('app', '7')
  assert.equal(signedIn.closes[0]?.code, 4009)
  assert.equal(present.closes[0]?.code, 4009)
  assert.equal(other.closes.length, 0)
})

test('connection quota and leaving nothing behind', () => {
  const hub = new LocalRealtimeHub()
  assert.equal(hub.openConnection('app', 1), true)
  assert.equal(hub.openConnection('app', 1), false)
  hub.closeConnection('app')
  assert.equal(hub.connectionCount('app'), 0)
  const s = new SubscriberFake('1.1')
  for (let i = 0; i < 100; i++) {
    hub.subscribe('app', `presence-${i}`, s, { userId: 'u', userInfo: null })
    hub.signIn('app', 'u', s)
    hub.unsubscribe('app', `presence-${i}`, s, 'u')
    hub.signOut('app', 'u', s)
  }
  assert.deepEqual(hub.stats(), { apps: 0, rosters: 0, users: 0, cached: 0 })
})

test('cache entries of channels nobody reads again are dropped once expired, so the cache stays bounded', async () => {
  let now = 0
  const hub = new LocalRealtimeHub({ cacheTtlMs: 1000, now: () => now })
  for (let i = 0; i < 500; i++) await hub.publish({ appId: 'app', channels: [`cache-user.${i}`], event: 'e', data: '{}' })
  await hub.publish({ appId: 'app', channels: ['cache-user.0'], event: 'again', data: '{}' })
  assert.equal(hub.stats().cached, 500)
  now = 1001
  await hub.publish({ appId: 'app', channels: ['cache-other'], event: 'e', data: '{}' })
  // Every entry older than the TTL is gone; cache-user.0 was refreshed at the same instant, so it went too.
  assert.equal(hub.stats().cached, 1)
  assert.equal(hub.cachedFrame('app', 'cache-other'), serialiseEventFrame('e', 'cache-other', '{}'))
})

test('metrics: per-app connections, channels and subscriptions, and counters of events, frames and slow consumers', async () => {
  const hub = new LocalRealtimeHub({ maxBufferedBytes: 100 })
  const [a, b, slow] = [new SubscriberFake('1.1'), new SubscriberFake('2.2'), new SubscriberFake('3.3')]
  hub.openConnection('app', null)
  hub.openConnection('app', null)
  hub.openConnection('other', null)
  hub.subscribe('app', 'news', a)
  hub.subscribe('app', 'news', b)
  hub.subscribe('app', 'sport', a)
  hub.subscribe('other', 'news', slow)
  slow.bufferedAmount = 101
  await hub.publish({ appId: 'app', channels: ['news', 'empty'], event: 'e', data: '{}', exceptSocketId: '2.2' })
  await hub.publish({ appId: 'other', channels: ['news'], event: 'e', data: '{}' })
  const m = hub.metrics()
  assert.deepEqual(Object.fromEntries(m.apps), {
    app: { connections: 2, channels: 2, subscriptions: 3 },
    other: { connections: 1, channels: 1, subscriptions: 1 },
  })
  assert.equal(m.eventsPublished, 3, 'one event per channel, with or without subscribers')
  assert.equal(m.framesDelivered, 1, 'the excepted socket and the slow one get nothing')
  assert.equal(m.slowConsumersClosed, 1)
  hub.unsubscribe('other', 'news', slow)
  hub.closeConnection('other')
  assert.equal(hub.metrics().apps.has('other'), false, 'an app with nothing left is not reported')
})
