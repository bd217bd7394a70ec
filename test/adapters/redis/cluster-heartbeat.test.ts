import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { RedisClusterHub } from '../../../src/adapters/redis/redis-cluster-hub.js'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import type { Subscriber } from '../../../src/domain/realtime/subscriber.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'

/** This file's keys carry their own prefix, so it may share a Redis given by REDIS_URL. */
const PREFIX = `h15hb${process.pid}_`

const subscriber = (socketId: string): Subscriber => ({ socketId, bufferedAmount: 0, send: () => {}, close: () => {} })

/**
 * Servers leaving the cluster (RedisClusterHub.close → ClusterHeartbeat.leave), in one process so their Redis
 * commands interleave: the departures they leave pending (3 s delay) are sent once, by the last one to look.
 */
describe('ClusterHeartbeat.leave: the last live server confirms the pending departures', () => {
  let redis: TestRedis
  const events: string[] = []
  let n = 0
  const hub = async (): Promise<RedisClusterHub> => {
    const id = `s${++n}`
    const lifecycle = { observe: (e: LifecycleEvent) => void events.push(`${id} ${e.name} ${e.channel}`) }
    const h = new RedisClusterHub({ redis: { url: redis.url, prefix: PREFIX, timeoutMs: 5000 }, defaultAppId: 'app', serverId: id, heartbeatMs: 60_000, serverTtlMs: 120_000, lifecycle })
    await h.start()
    return h
  }
  before(async () => {
    redis = await startRedis()
  })
  after(async () => {
    await redis.stop()
  })

  test('a server that leaves while another is alive leaves its departures to it; two that leave together send them once', async () => {
    const [a, b, c] = [await hub(), await hub(), await hub()]
    const [sa, sb, sc] = [subscriber('1.1'), subscriber('2.2'), subscriber('3.3')]
    a.local.subscribe('app', 'shared', sa)
    b.local.subscribe('app', 'shared', sb)
    c.local.subscribe('app', 'only-c', sc)
    c.local.unsubscribe('app', 'only-c', sc)
    // c leaves with its vacate pending (due in 3 s): a and b are alive, so it is theirs to confirm.
    await c.close()
    assert.deepEqual(events.filter((e) => e.includes('vacated')), [], 'c sends nothing before the delay while others are alive')
    a.local.unsubscribe('app', 'shared', sa)
    b.local.unsubscribe('app', 'shared', sb)
    // Each may look at the other before it is gone; deregistering first means at least one sees the other gone.
    await Promise.all([a.close(), b.close()])
    const vacated = events.filter((e) => e.includes('vacated')).map((e) => e.split(' ').slice(1).join(' ')).sort()
    assert.deepEqual(vacated, ['channel_vacated only-c', 'channel_vacated shared'], events.join('\n'))
  })
})
