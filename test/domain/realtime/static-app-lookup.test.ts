import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InvalidConfigError } from '../../../src/domain/errors.js'
import type { HeraldApp } from '../../../src/domain/realtime/herald-app.js'
import { StaticAppLookup } from '../../../src/domain/realtime/static-app-lookup.js'

function app(id: string, key: string): HeraldApp {
  return {
    id, key, secret: `${id}-secret`, clientEvents: true, maxConnections: null, maxMessageSize: 10_000, maxEventPayloadSize: 10_240,
    allowedOrigins: ['*'], activityTimeout: 30, encryptionMasterKey: null, maxPresenceMembers: 100, maxPresenceMemberSize: 1024,
    maxClientEventsPerSecond: 10, maxApiRequestsPerSecond: null, maxConnectionsPerIpPerSecond: null,
  }
}

describe('StaticAppLookup', () => {
  test('finds apps by id and by key, lists them default first, and answers undefined for strangers', () => {
    const a = app('a', 'key-a')
    const b = app('b', 'key-b')
    const lookup = new StaticAppLookup([a, b])
    assert.equal(lookup.defaultApp, a)
    assert.equal(lookup.byId('b'), b)
    assert.equal(lookup.byKey('key-a'), a)
    assert.equal(lookup.byId('key-a'), undefined, 'a key is not an id')
    assert.equal(lookup.byKey('nobody'), undefined)
    assert.deepEqual(lookup.all(), [a, b])
  })

  test('refuses no app at all, and duplicate ids or keys, naming each (never the key itself)', () => {
    assert.throws(() => new StaticAppLookup([]), (e: unknown) => e instanceof InvalidConfigError && /apps: at least one app/.test(e.message))
    assert.throws(
      () => new StaticAppLookup([app('a', 'k'), app('a', 'k')]),
      (e: unknown) => e instanceof InvalidConfigError && /apps\.1\.id: duplicate app id "a"/.test(e.message) && /apps\.1\.key: duplicate app key \(value hidden\)/.test(e.message),
    )
  })
})
