import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createBroadcasting } from '../../src/composition/create-broadcasting.js'
import { createDriver, driverFactories } from '../../src/composition/driver-registry.js'
import { AblyBroadcaster } from '../../src/adapters/ably/ably-broadcaster.js'
import { LocalBroadcaster } from '../../src/adapters/local/local-broadcaster.js'
import { LogBroadcaster } from '../../src/adapters/log/log-broadcaster.js'
import { NullBroadcaster } from '../../src/adapters/null/null-broadcaster.js'
import { PusherBroadcaster } from '../../src/adapters/pusher/pusher-broadcaster.js'
import { RedisBroadcaster } from '../../src/adapters/redis/redis-broadcaster.js'
import { loadConfig } from '../../src/config/load-config.js'
import { DRIVER_NAMES } from '../../src/config/schema.js'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../../src/domain/errors.js'
import type { LoggerPort } from '../../src/domain/ports/logger-port.js'
import type { PublishRequest, RealtimeHubPort } from '../../src/domain/realtime/realtime-hub-port.js'

/** A hub that records publishes; the local driver's own tests cover real delivery. */
function recordingHub(): RealtimeHubPort & { published: PublishRequest[] } {
  const published: PublishRequest[] = []
  return {
    published,
    publish: async (request) => void published.push(request),
    channels: async () => new Map(),
    channel: async () => ({ occupied: false, subscriptionCount: 0 }),
    presenceUsers: async () => [],
    terminateUser: async () => {},
  }
}

describe('driver registry', () => {
  test('has a factory for every driver name in the config schema', () => {
    assert.deepEqual(Object.keys(driverFactories).sort(), [...DRIVER_NAMES].sort())
  })

  test('builds each driver class from its connection config without connecting anywhere', async () => {
    const config = loadConfig(
      { connections: { ably: { driver: 'ably', key: 'app.key:secret' }, local: { driver: 'local' } } },
      { PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: 's' },
    )
    const deps = { hub: recordingHub(), appId: 'herald' }
    const built = Object.fromEntries(Object.entries(config.connections).map(([name, c]) => [name, createDriver(name, c, deps)]))
    assert.ok(built.log instanceof LogBroadcaster)
    assert.ok(built.null instanceof NullBroadcaster)
    assert.ok(built.redis instanceof RedisBroadcaster)
    assert.ok(built.pusher instanceof PusherBroadcaster)
    assert.ok(built.ably instanceof AblyBroadcaster)
    assert.ok(built.local instanceof LocalBroadcaster)
    for (const port of Object.values(built)) await port.close?.()
  })

  test('local without a hub fails at creation, naming what is missing', () => {
    assert.throws(
      () => createDriver('live', { driver: 'local' }, {}),
      (err: unknown) => {
        assert.ok(err instanceof InvalidConfigError)
        assert.equal(err.issues[0]?.path, 'connections.live.driver')
        assert.match(err.message, /needs a realtime hub, which only a Herald server has/)
        return true
      },
    )
    assert.throws(() => createDriver('live', { driver: 'local' }, { hub: recordingHub() }), /needs an app id/)
  })

  test('the log driver gets the logger and level from its deps and config', async () => {
    const lines: string[] = []
    const logger: LoggerPort = { debug: (_o, m) => void lines.push(`debug ${m}`), info: () => {}, warn: () => {}, error: () => {} }
    const port = createDriver('log', { driver: 'log', level: 'debug' }, { logger })
    await port.broadcast({ channels: ['a'], event: 'E', payload: 1 })
    assert.deepEqual(lines, ['debug [Broadcast] channel=a event=E data=1'])
  })

  test('a driver constructor that throws is wrapped in a coded error naming the connection, cause kept', () => {
    const original = driverFactories.null
    const mutable = driverFactories as { null: typeof original }
    mutable.null = () => {
      throw new TypeError('boom')
    }
    try {
      assert.throws(
        () => createDriver('quiet', { driver: 'null' }),
        (err: unknown) => {
          assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
          assert.match(err.message, /connection 'quiet' \(driver 'null'\) could not be created: boom/)
          assert.ok(err.cause instanceof TypeError)
          return true
        },
      )
    } finally {
      mutable.null = original
    }
  })
})

describe('createBroadcasting', () => {
  test('nothing configured outside a server: default is null (Laravel), and broadcasting works', async () => {
    const broadcasting = createBroadcasting(loadConfig({}, {}))
    assert.equal(broadcasting.defaultConnection, 'null')
    assert.ok(broadcasting.connection() instanceof NullBroadcaster)
    await broadcasting.channel('orders').broadcast('OrderCreated', { id: 1 })
    await broadcasting.close()
  })

  test('inside a server (a hub given): default is local, delivering to the first app', async () => {
    const hub = recordingHub()
    const broadcasting = createBroadcasting(loadConfig({ apps: [{ id: 'app-1', key: 'k', secret: 's' }] }, {}), { hub })
    assert.equal(broadcasting.defaultConnection, 'local')
    await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' }).toOthers('1.2')
    assert.deepEqual(hub.published, [
      { appId: 'app-1', channels: ['private-user.1'], event: 'Notified', data: '{"text":"hi"}', exceptSocketId: '1.2' },
    ])
    await broadcasting.close()
  })

  test('an explicit default wins; selecting local outside a server fails at start-up', () => {
    const broadcasting = createBroadcasting(loadConfig({}, { BROADCAST_CONNECTION: 'log' }), { hub: recordingHub() })
    assert.equal(broadcasting.defaultConnection, 'log')
    assert.throws(() => createBroadcasting(loadConfig({}, { BROADCAST_CONNECTION: 'local' })), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
      assert.match(err.message, /connections\.local\.driver: driver 'local' needs a realtime hub/)
      return true
    })
  })

  test('user-named connections are built and reachable by name', async () => {
    const config = loadConfig({ default: 'audit', connections: { audit: { driver: 'log' }, quiet: { driver: 'null' } } }, {})
    const broadcasting = createBroadcasting(config, { logger: { debug() {}, info() {}, warn() {}, error() {} } })
    assert.ok(broadcasting.connection() instanceof LogBroadcaster)
    assert.ok(broadcasting.connection('quiet') instanceof NullBroadcaster)
    assert.deepEqual([...broadcasting.connectionNames].sort(), ['audit', 'log', 'null', 'quiet', 'redis'])
    await broadcasting.close()
  })
})
