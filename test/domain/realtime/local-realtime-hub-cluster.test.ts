import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ClusterStatePort } from '../../../src/domain/realtime/cluster-state-port.js'
import { LocalRealtimeHub } from '../../../src/domain/realtime/local-realtime-hub.js'
import type { PresenceMember } from '../../../src/domain/realtime/presence-member.js'
import { SubscriberFake } from './fake-subscriber.js'

/** Records what the hub reports and lets the test decide when each presence roster arrives. */
class ClusterStateFake implements ClusterStatePort {
  readonly calls: string[] = []
  readonly #resolvers: ((roster: string) => void)[] = []

  subscribed(_appId: string, channel: string, socketId: string, member?: PresenceMember): Promise<string> | undefined {
    this.calls.push(`+${channel}:${socketId}${member === undefined ? '' : `:${member.userId}`}`)
    if (member === undefined) return undefined
    return new Promise((resolve) => this.#resolvers.push(resolve))
  }

  unsubscribed(_appId: string, channel: string, socketId: string, userId?: string): void {
    this.calls.push(`-${channel}:${socketId}${userId === undefined ? '' : `:${userId}`}`)
  }

  resolveNext(roster: string): void {
    this.#resolvers.shift()?.(roster)
  }
}

const ROSTER = '{"presence":{"ids":["u1","u2"],"hash":{"u1":null,"u2":null},"count":2}}'

test('in a cluster the hub reports every subscription change and announces no presence change itself', async () => {
  const cluster = new ClusterStateFake()
  const hub = new LocalRealtimeHub({ clusterState: cluster })
  const watcher = new SubscriberFake('1.1')
  const joiner = new SubscriberFake('2.2')
  hub.subscribe('app', 'public', watcher)
  const w = hub.subscribe('app', 'presence-room', watcher, { userId: 'u1', userInfo: undefined })
  cluster.resolveNext(ROSTER)
  assert.equal(await w.clusterRoster, ROSTER)
  hub.subscribe('app', 'presence-room', joiner, { userId: 'u2', userInfo: undefined })
  cluster.resolveNext(ROSTER)
  await Promise.resolve()
  hub.unsubscribe('app', 'presence-room', joiner, 'u2')
  hub.unsubscribe('app', 'public', watcher)
  assert.deepEqual(cluster.calls, ['+public:1.1', '+presence-room:1.1:u1', '+presence-room:2.2:u2', '-presence-room:2.2:u2', '-public:1.1'])
  assert.deepEqual(watcher.events, [], 'member_added/member_removed come from the cluster, not from the local hub')
})

test('a presence subscriber gets no channel frame before its cluster roster, then every frame', async () => {
  const cluster = new ClusterStateFake()
  const hub = new LocalRealtimeHub({ clusterState: cluster })
  const joiner = new SubscriberFake('2.2')
  const outcome = hub.subscribe('app', 'presence-room', joiner, { userId: 'u2', userInfo: { n: 2 } })
  assert.equal(outcome.added, true)
  // A member event from another server arrives while the roster is still on its way.
  await hub.publish({ appId: 'app', channels: ['presence-room'], event: 'pusher_internal:member_added', data: '{"user_id":"u3"}' })
  assert.deepEqual(joiner.frames, [], 'it would be overwritten by the older roster, so it is not sent')
  cluster.resolveNext(ROSTER)
  assert.equal(await outcome.clusterRoster, ROSTER)
  await hub.publish({ appId: 'app', channels: ['presence-room'], event: 'after', data: '{}' })
  assert.deepEqual(joiner.events.map((e) => e.event), ['after'])
  assert.deepEqual(await hub.presenceUsers('app', 'presence-room'), ['u2'])
  // A repeated subscribe is not reported twice.
  assert.equal(hub.subscribe('app', 'presence-room', joiner, { userId: 'u2', userInfo: { n: 2 } }).added, false)
  assert.deepEqual(cluster.calls, ['+presence-room:2.2:u2'])
})

test('leaving before the roster arrives is reported and leaves nothing behind', async () => {
  const cluster = new ClusterStateFake()
  const hub = new LocalRealtimeHub({ clusterState: cluster })
  const joiner = new SubscriberFake('2.2')
  const outcome = hub.subscribe('app', 'presence-room', joiner, { userId: 'u2', userInfo: undefined })
  assert.equal(hub.unsubscribe('app', 'presence-room', joiner, 'u2'), true)
  cluster.resolveNext(ROSTER)
  await outcome.clusterRoster
  await hub.publish({ appId: 'app', channels: ['presence-room'], event: 'after', data: '{}' })
  assert.deepEqual(joiner.frames, [], 'never added to the channel')
  assert.deepEqual(cluster.calls, ['+presence-room:2.2:u2', '-presence-room:2.2:u2'])
  assert.deepEqual(hub.stats(), { apps: 0, rosters: 0, users: 0, cached: 0 })
})

test("maxConnections counts the other servers' connections the cluster reports, per app", () => {
  const elsewhere = new Map([['app', 2]])
  const cluster = Object.assign(new ClusterStateFake(), { connectionsElsewhere: (appId: string) => elsewhere.get(appId) ?? 0 })
  const hub = new LocalRealtimeHub({ clusterState: cluster })
  assert.equal(hub.openConnection('app', 3), true, '2 elsewhere + 0 here is under 3')
  assert.equal(hub.openConnection('app', 3), false, '2 elsewhere + 1 here is the limit')
  assert.equal(hub.openConnection('other', 1), true, 'other apps are counted apart')
  elsewhere.set('app', 0)
  assert.equal(hub.openConnection('app', 3), true, 'a server that lost its connections frees the room')
  assert.deepEqual([...hub.connectionCounts()], [['app', 2], ['other', 1]], 'what this server shares with the others')
  assert.equal(hub.openConnection('app', null), true, 'no limit, nothing to count against')
})

test('maxPresenceMembers counts the members the cluster reports on other servers; a present user always has room', () => {
  const present = new Map([['presence-room', new Set(['u1', 'u2'])]])
  const cluster = Object.assign(new ClusterStateFake(), { presentUsers: (_appId: string, channel: string) => present.get(channel) })
  const hub = new LocalRealtimeHub({ clusterState: cluster })
  assert.equal(hub.hasPresenceRoom('app', 'presence-room', 'u3', 2), false, 'two members elsewhere fill a channel of 2')
  assert.equal(hub.hasPresenceRoom('app', 'presence-room', 'u2', 2), true, 'a second tab of a present member')
  assert.equal(hub.hasPresenceRoom('app', 'presence-room', 'u3', 3), true)
  assert.equal(hub.hasPresenceRoom('app', 'presence-other', 'u3', 1), true, 'nothing known of a channel: room')
})
