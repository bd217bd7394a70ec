import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Redis } from 'ioredis'
import { ClusterKeys } from '../../../src/adapters/redis/cluster-keys.js'
import { ClusterLifecycle } from '../../../src/adapters/redis/cluster-lifecycle.js'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { nullLogger } from '../../../src/domain/ports/logger-port.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h15lc${process.pid}_`

/** Two servers' lifecycles over one Redis, each with its own connection, reporting into one list. */
describe('ClusterLifecycle: transitions reported once by the server that made them, departures confirmed once', () => {
  let redis: TestRedis
  const clients: Redis[] = []
  const events: string[] = []
  let a: ClusterLifecycle
  let b: ClusterLifecycle
  const keys = new ClusterKeys(PREFIX)
  const make = (serverId: string, delayMs: number): ClusterLifecycle => {
    const client = new Redis(redis.url)
    clients.push(client)
    const observer = { observe: (e: LifecycleEvent) => void events.push(`${serverId} ${e.name} ${e.channel}${'userId' in e ? ` ${String(e.userId)}` : ''}`) }
    return new ClusterLifecycle({ client, keys, serverId, observer, logger: nullLogger, delayMs })
  }
  before(async () => {
    redis = await startRedis()
    a = make('a', 0)
    b = make('b', 0)
  })
  after(async () => {
    for (const c of clients) c.disconnect()
    await redis.stop()
  })

  test('occupied once from 0, vacated once at 0 across servers; a due vacate is confirmed by one sweeper', async () => {
    await a.occupancy('app', 'c', 1)
    await b.occupancy('app', 'c', 2)
    await a.occupancy('app', 'c', 0)
    assert.deepEqual(events.splice(0), ['a channel_occupied c'])
    await b.occupancy('app', 'c', 0)
    assert.deepEqual(events.splice(0), [], 'the vacate waits for a sweep')
    await Promise.all([a.sweep(), b.sweep()])
    assert.equal(events.length, 1)
    assert.match(events.splice(0)[0]!, /^[ab] channel_vacated c$/)
    await Promise.all([a.sweep(), b.sweep()])
    assert.deepEqual(events, [])
  })

  test('a return before the sweep cancels the pending vacate and reports nothing; a dead server\'s count is removed by another', async () => {
    await a.occupancy('app', 'd', 1)
    await a.occupancy('app', 'd', 0)
    await b.occupancy('app', 'd', 1)
    await a.sweep()
    assert.deepEqual(events.splice(0), ['a channel_occupied d'])
    // Server b dies; a removes its count (the reaper), which vacates d.
    await a.occupancy('app', 'd', 0, 'b')
    await a.sweep()
    assert.deepEqual(events.splice(0), ['a channel_vacated d'])
  })

  test('member departures: confirmed only while their token is still the pending one', async () => {
    const leaving = keys.presenceLeaving('app', 'presence-p')
    const first = a.token()
    await clients[0]!.hset(leaving, 'u', first)
    await a.memberLeft('app', 'presence-p', 'u', first)
    // The user came back (the join script cleared the token) and left again (a new token).
    const second = b.token()
    await clients[0]!.hset(leaving, 'u', second)
    await b.memberLeft('app', 'presence-p', 'u', second)
    await Promise.all([a.sweep(), b.sweep()])
    assert.equal(events.length, 1, events.join('\n'))
    assert.match(events.splice(0)[0]!, /^[ab] member_removed presence-p u$/)
    a.memberJoined('app', 'presence-p', 'v', 2)
    a.memberJoined('app', 'presence-p', 'w', 1)
    assert.deepEqual(events.splice(0), ['a member_added presence-p w'])
    await clients[0]!.zadd(keys.departures, 0, 'not a departure')
    await a.sweep()
    assert.equal(await clients[0]!.zcard(keys.departures), 0)
  })

  test('confirmAll (the last server leaving) reports pending departures before they are due, once for two callers, and skips cancelled ones', async () => {
    const x = make('x', 60_000)
    const y = make('y', 60_000)
    await x.occupancy('app', 'late', 1)
    await x.occupancy('app', 'late', 0)
    await x.occupancy('app', 'back', 1)
    await x.occupancy('app', 'back', 0)
    await y.occupancy('app', 'back', 1)
    // More than one sweep batch, so confirmAll must go on past the first.
    for (let i = 0; i < 205; i++) {
      const token = x.token()
      await clients[0]!.hset(keys.presenceLeaving('app', 'presence-many'), `u${i}`, token)
      await x.memberLeft('app', 'presence-many', `u${i}`, token)
    }
    events.splice(0)
    await x.sweep()
    assert.equal(events.length, 0, 'not due for a minute')
    await Promise.all([x.confirmAll(), y.confirmAll()])
    const removed = events.filter((e) => e.includes('member_removed')).map((e) => e.split(' ').at(-1))
    assert.equal(removed.length, 205)
    assert.equal(new Set(removed).size, 205, 'each member_removed once')
    assert.deepEqual(events.filter((e) => !e.includes('member_removed')).map((e) => e.slice(2)), ['channel_vacated late'], 'back was occupied again: its vacate was cancelled')
    assert.equal(await clients[0]!.zcard(keys.departures), 0)
  })

  test('settle waits for departure writes still on their way; confirmAll after it sees them', async () => {
    const z = make('z', 60_000)
    await z.occupancy('app', 'inflight', 1)
    events.splice(0)
    // Not awaited, as ClusterOccupancy issues it when a connection closes.
    void z.occupancy('app', 'inflight', 0)
    await z.confirmAll()
    assert.deepEqual(events, ['z channel_vacated inflight'])
  })
})
