import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { RedisClusterHub } from '../../../src/adapters/redis/redis-cluster-hub.js'
import { loadConfig } from '../../../src/config/load-config.js'
import { ServerRateLimits } from '../../../src/domain/realtime/server-rate-limits.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'

const PREFIX = `h14rates${process.pid}_`

/** One cluster member: its rate limits on a clock the test moves, and its cluster hub. */
interface Member {
  clock: { now: number }
  rates: ServerRateLimits
  hub: RedisClusterHub
}

async function member(url: string): Promise<Member> {
  const { driver: _driver, ...redis } = loadConfig({ connections: { redis: { driver: 'redis', url, prefix: PREFIX } } }, {}).connections.redis as { driver: 'redis' } & Record<string, unknown>
  const clock = { now: 0 }
  const box: { hub?: RedisClusterHub } = {}
  const rates = new ServerRateLimits({ now: () => clock.now, elsewhere: (key) => box.hub?.ratesElsewhere(key) ?? 0 })
  const hub = new RedisClusterHub({ redis: redis as never, defaultAppId: 'app', heartbeatMs: 50, serverTtlMs: 1000, rateCounts: () => rates.lastWindow() })
  box.hub = hub
  await hub.start()
  return { clock, rates, hub }
}

const app = {
  id: 'shared', key: 'k', secret: 's', clientEvents: true, maxConnections: null, maxMessageSize: 10_000, maxEventPayloadSize: 10_240,
  allowedOrigins: ['*'], activityTimeout: 30, encryptionMasterKey: null, maxPresenceMembers: 100, maxPresenceMemberSize: 1024,
  maxClientEventsPerSecond: 10, maxApiRequestsPerSecond: 3, maxConnectionsPerIpPerSecond: 2,
}

describe('rate limits across a cluster (shared every heartbeat, decided in memory)', () => {
  let redis: TestRedis
  let a: Member
  let b: Member
  before(async () => {
    redis = await startRedis()
    a = await member(redis.url)
    b = await member(redis.url)
  })
  after(async () => {
    await Promise.all([a.hub.close(), b.hub.close()])
    await redis.stop()
  })

  test('requests and connections counted on one server refuse them on the other', async () => {
    // Server A takes the whole second's allowance; B has taken nothing itself.
    assert.deepEqual([1, 2, 3, 4].map(() => a.rates.allowApiRequest(app)), [true, true, true, false])
    assert.deepEqual([1, 2, 3].map(() => a.rates.allowConnection(app, '10.0.0.9')), [true, true, false])
    a.clock.now = 1000 // A's second is over: its counts are what it shares.
    await waitFor(() => b.hub.ratesElsewhere('api\0shared') === 3, { what: "B to learn A's 3 API requests" })
    await waitFor(() => b.hub.ratesElsewhere('ip\0shared\u000010.0.0.9') === 2, { what: "B to learn A's 2 connections from 10.0.0.9" })
    assert.equal(b.rates.allowApiRequest(app), false, "A's requests count on B")
    assert.equal(b.rates.allowConnection(app, '10.0.0.9'), false, "A's connections from that address count on B")
    assert.equal(b.rates.allowConnection(app, '10.0.0.10'), true, 'another address is not limited')
    // A's next quiet second clears what it shares.
    a.clock.now = 2500
    await waitFor(() => b.hub.ratesElsewhere('api\0shared') === 0, { what: "A's counts to expire from B's view" })
    assert.equal(b.rates.allowApiRequest(app), true)
  })
})
