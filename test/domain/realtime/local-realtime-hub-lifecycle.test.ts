import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import type { ClusterStatePort } from '../../../src/domain/realtime/cluster-state-port.js'
import { LocalRealtimeHub } from '../../../src/domain/realtime/local-realtime-hub.js'
import { SubscriberFake } from './fake-subscriber.js'

function names(events: LifecycleEvent[]): string[] {
  return events.map((e) => {
    const extra = e.name === 'subscription_count' ? ` =${e.subscriptionCount}` : 'userId' in e && e.userId !== undefined ? ` ${e.userId}` : ''
    return `${e.name} ${e.channel}${extra}`
  })
}

test('a single process reports occupancy on the first and last subscriber, presence once per user, and every count change', () => {
  const events: LifecycleEvent[] = []
  const hub = new LocalRealtimeHub({ observer: { observe: (e) => events.push(e) } })
  const [a, b, c] = [new SubscriberFake('1.1'), new SubscriberFake('2.2'), new SubscriberFake('3.3')]
  hub.subscribe('app', 'orders', a)
  hub.subscribe('app', 'orders', b)
  hub.subscribe('app', 'orders', b)
  hub.subscribe('app', 'presence-r', a, { userId: 'u', userInfo: undefined })
  hub.subscribe('app', 'presence-r', c, { userId: 'u', userInfo: undefined })
  assert.deepEqual(names(events), [
    'channel_occupied orders',
    'subscription_count orders =1',
    'subscription_count orders =2',
    'channel_occupied presence-r',
    'member_added presence-r u',
  ])
  events.length = 0
  hub.unsubscribe('app', 'orders', a)
  hub.unsubscribe('app', 'presence-r', a, 'u')
  assert.deepEqual(names(events), ['subscription_count orders =1'])
  hub.unsubscribe('app', 'orders', b)
  hub.unsubscribe('app', 'presence-r', c, 'u')
  hub.unsubscribe('app', 'presence-r', c, 'u')
  assert.deepEqual(names(events).slice(1), ['channel_vacated orders', 'subscription_count orders =0', 'member_removed presence-r u', 'channel_vacated presence-r'])
  assert.ok(events.every((e) => e.appId === 'app'))
})

test('in a cluster the local hub reports only count changes: occupancy and rosters are the cluster\'s to report', () => {
  const events: LifecycleEvent[] = []
  const cluster: ClusterStatePort = { subscribed: () => undefined, unsubscribed: () => {} }
  const hub = new LocalRealtimeHub({ clusterState: cluster, observer: { observe: (e) => events.push(e) } })
  const a = new SubscriberFake('1.1')
  hub.subscribe('app', 'orders', a)
  hub.unsubscribe('app', 'orders', a)
  assert.deepEqual(names(events), ['subscription_count orders =1', 'subscription_count orders =0'])
})
