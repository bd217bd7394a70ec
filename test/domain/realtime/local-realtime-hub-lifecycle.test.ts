import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import type { ClusterStatePort } from '../../../src/domain/realtime/cluster-state-port.js'
import { LocalRealtimeHub } from '../../../src/domain/realtime/local-realtime-hub.js'
import { SubscriberFake } from './fake-subscriber.js'

function names(events: LifecycleEvent[]): string[] {
  return events.map((e) => `${e.name} ${e.channel}${'userId' in e && e.userId !== undefined ? ` ${e.userId}` : ''}`)
}

test('a single process reports occupancy on the first and last subscriber, and presence once per user', () => {
  const events: LifecycleEvent[] = []
  const hub = new LocalRealtimeHub({ observer: { observe: (e) => events.push(e) } })
  const [a, b, c] = [new SubscriberFake('1.1'), new SubscriberFake('2.2'), new SubscriberFake('3.3')]
  hub.subscribe('app', 'orders', a)
  hub.subscribe('app', 'orders', b)
  hub.subscribe('app', 'orders', b)
  hub.subscribe('app', 'presence-r', a, { userId: 'u', userInfo: undefined })
  hub.subscribe('app', 'presence-r', c, { userId: 'u', userInfo: undefined })
  assert.deepEqual(names(events), ['channel_occupied orders', 'channel_occupied presence-r', 'member_added presence-r u'])
  hub.unsubscribe('app', 'orders', a)
  hub.unsubscribe('app', 'presence-r', a, 'u')
  assert.equal(events.length, 3)
  hub.unsubscribe('app', 'orders', b)
  hub.unsubscribe('app', 'presence-r', c, 'u')
  hub.unsubscribe('app', 'presence-r', c, 'u')
  assert.deepEqual(names(events).slice(3), ['channel_vacated orders', 'member_removed presence-r u', 'channel_vacated presence-r'])
  assert.ok(events.every((e) => e.appId === 'app'))
})

test('in a cluster the local hub reports nothing: occupancy and rosters are the cluster\'s to report', () => {
  const events: LifecycleEvent[] = []
  const cluster: ClusterStatePort = { subscribed: () => undefined, unsubscribed: () => {} }
  const hub = new LocalRealtimeHub({ clusterState: cluster, observer: { observe: (e) => events.push(e) } })
  const a = new SubscriberFake('1.1')
  hub.subscribe('app', 'orders', a)
  hub.unsubscribe('app', 'orders', a)
  assert.deepEqual(events, [])
})
