import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { HeraldApp } from '../../../src/domain/realtime/herald-app.js'
import { ServerRateLimits } from '../../../src/domain/realtime/server-rate-limits.js'

function app(id: string, limits: Partial<HeraldApp> = {}): HeraldApp {
  return {
    id, key: `${id}-key`, secret: 's', clientEvents: true, maxConnections: null, maxMessageSize: 10_000, maxEventPayloadSize: 10_240,
    allowedOrigins: ['*'], activityTimeout: 30, encryptionMasterKey: null, maxPresenceMembers: 100, maxPresenceMemberSize: 1024,
    maxClientEventsPerSecond: 10, maxApiRequestsPerSecond: null, maxConnectionsPerIpPerSecond: null, ...limits,
  }
}

describe('ServerRateLimits', () => {
  test('API requests per app per second; no limit set means always allowed', () => {
    let now = 5_000
    const limits = new ServerRateLimits({ now: () => now })
    const a = app('a', { maxApiRequestsPerSecond: 2 })
    const b = app('b', { maxApiRequestsPerSecond: 2 })
    assert.deepEqual([1, 2, 3].map(() => limits.allowApiRequest(a)), [true, true, false])
    assert.equal(limits.allowApiRequest(b), true, 'apps are counted apart')
    assert.ok([1, 2, 3, 4, 5].every(() => limits.allowApiRequest(app('free'))))
    now = 5_400
    assert.equal(limits.retryAfterSeconds(), 1)
    now = 6_000
    assert.equal(limits.allowApiRequest(a), true)
    assert.deepEqual([...limits.lastWindow()], [['api\0a', 2], ['api\0b', 1]])
  })

  test('connections per IP per app per second; an unknown address is not limited', () => {
    const limits = new ServerRateLimits({ now: () => 0 })
    const a = app('a', { maxConnectionsPerIpPerSecond: 1 })
    assert.equal(limits.allowConnection(a, '10.0.0.1'), true)
    assert.equal(limits.allowConnection(a, '10.0.0.1'), false)
    assert.equal(limits.allowConnection(a, '10.0.0.2'), true, 'another address')
    assert.equal(limits.allowConnection(app('b', { maxConnectionsPerIpPerSecond: 1 }), '10.0.0.1'), true, 'another app')
    assert.equal(limits.allowConnection(a, undefined), true)
    assert.equal(limits.allowConnection(app('free'), '10.0.0.1'), true)
  })

  test('counts from the rest of the cluster count too', () => {
    const limits = new ServerRateLimits({ now: () => 0, elsewhere: (key) => (key === 'api\0a' ? 5 : 0) })
    assert.equal(limits.allowApiRequest(app('a', { maxApiRequestsPerSecond: 5 })), false)
    assert.equal(limits.allowApiRequest(app('b', { maxApiRequestsPerSecond: 5 })), true)
  })
})
