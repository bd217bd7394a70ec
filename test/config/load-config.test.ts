import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig, HERALD_WARN_DEFAULT_SECRET } from '../../src/config/load-config.js'
import { resolveDefaultConnection } from '../../src/config/resolve-default-connection.js'
import { DEFAULT_APP, HeraldConfigSchema } from '../../src/config/schema.js'
import { checkSection } from '../../src/config/validate.js'
import { SERVER_LIMIT_DEFAULTS } from '../../src/config/server-limits-schema.js'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../../src/domain/errors.js'
import type { HeraldConfigInput } from '../../src/config/schema.js'
import type { HeraldApp } from '../../src/domain/realtime/herald-app.js'

/** Runs loadConfig expecting an InvalidConfigError; returns its issues as `path: message` lines. */
function problems(input: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadConfig(input as HeraldConfigInput, env)
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError, `expected InvalidConfigError, got ${String(err)}`)
    assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
    for (const issue of err.issues) assert.ok(err.message.includes(`${issue.path}: ${issue.message}`), 'the message lists every issue')
    return err.issues.map((i) => `${i.path}: ${i.message}`)
  }
  assert.fail('expected loadConfig to throw')
}

describe('loadConfig', () => {
  test('with nothing set: log, null and redis connections, no default, the built-in app, server defaults', () => {
    const config = loadConfig({}, {})
    assert.equal(config.default, undefined)
    assert.deepEqual(Object.keys(config.connections).sort(), ['log', 'null', 'redis'])
    assert.deepEqual(config.connections.log, { driver: 'log', level: 'info' })
    assert.deepEqual(config.connections.redis, { driver: 'redis', host: '127.0.0.1', port: 6379, db: 0, prefix: '', timeoutMs: 5000 })
    assert.deepEqual(config.apps, [
      {
        ...DEFAULT_APP,
        clientEvents: true,
        maxConnections: null,
        maxMessageSize: 10000,
        maxEventPayloadSize: 10240,
        allowedOrigins: ['*'],
        activityTimeout: 30,
        encryptionMasterKey: null,
        maxPresenceMembers: 100,
        maxPresenceMemberSize: 1024,
        webhooks: [],
        subscriptionCount: false,
        maxClientEventsPerSecond: 10,
        maxApiRequestsPerSecond: null,
        maxConnectionsPerIpPerSecond: null,
      },
    ])
    assert.deepEqual(config.server, {
      host: '0.0.0.0', port: 6001, metrics: false, trustProxy: false, appProvider: { driver: 'config', table: 'apps', cacheTtlMs: 5000 },
      socketio: false, socketioAuthUrl: null, socketioAuthTimeoutMs: 5000, ...SERVER_LIMIT_DEFAULTS,
    })
    // Compile-time: a loaded app is the domain's HeraldApp, so the server uses config apps as they are.
    const app: HeraldApp | undefined = config.apps[0]
    assert.equal(app?.id, 'app-id')
  })

  test('one error lists every bad key at once, with the reason and the bad value', () => {
    const lines = problems(
      {
        default: 'main',
        connections: {
          main: { driver: 'reddis' },
          p: { driver: 'pusher', port: '80', extra: 1 },
          n: { driver: 'null', level: 'info' },
          x: 'redis',
        },
        apps: [{ id: '', key: 'k', secret: 3, maxConnections: 'x' }],
        server: { port: 70000 },
        bogus: 1,
      },
      {},
    )
    assert.deepEqual(lines.sort(), [
      'apps.0.id: must not have fewer than 1 characters (got \'\')',
      'apps.0.maxConnections: expected one of integer, null (got \'x\')',
      'apps.0.secret: expected string (value hidden)',
      'bogus: unknown key',
      "connections.main.driver: expected one of redis, pusher, ably, log, null, local (got 'reddis')",
      'connections.n.level: unknown key',
      'connections.p.appId: is required',
      'connections.p.extra: unknown key',
      'connections.p.key: is required',
      "connections.p.port: expected integer (got '80')",
      'connections.p.secret: is required',
      "connections.x: expected a connection object with a driver (got 'redis')",
      'server.port: must be <= 65535 (got 70000)',
    ])
  })

  test('an unknown driver is a config error naming the connection and the choices', () => {
    assert.deepEqual(problems({ connections: { main: { driver: 'kafka' } } }), [
      "connections.main.driver: expected one of redis, pusher, ably, log, null, local (got 'kafka')",
    ])
    assert.deepEqual(problems({ connections: { main: {} } }), [
      'connections.main.driver: is required; expected one of redis, pusher, ably, log, null, local',
    ])
  })

  test('env values are converted to the schema types; the user object is never coerced', () => {
    const config = loadConfig(
      {},
      {
        BROADCAST_CONNECTION: 'pusher',
        PUSHER_APP_ID: '1',
        PUSHER_APP_KEY: 'k',
        PUSHER_APP_SECRET: 's',
        PUSHER_HOST: '127.0.0.1',
        PUSHER_PORT: '6001',
        PUSHER_SCHEME: 'http',
        BROADCAST_APP_CLIENT_EVENTS: 'false',
        PORT: '7000',
        HOST: '127.0.0.1',
        HERALD_METRICS: 'true',
        HERALD_SOCKETIO: 'true',
        HERALD_SOCKETIO_AUTH_URL: 'http://app.test/broadcasting/auth',
        HERALD_SOCKETIO_AUTH_TIMEOUT_MS: '2500',
        BROADCAST_APP_MAX_CONNECTIONS: '500',
      },
    )
    assert.equal(config.default, 'pusher')
    assert.deepEqual(config.connections.pusher, {
      driver: 'pusher',
      appId: '1',
      key: 'k',
      secret: 's',
      host: '127.0.0.1',
      port: 6001,
      scheme: 'http',
      timeoutMs: 10000,
      maxPayloadSize: 10240,
    })
    assert.equal(config.apps[0]?.clientEvents, false)
    assert.equal(config.apps[0]?.maxConnections, 500)
    assert.deepEqual({ ...config.server, appProvider: undefined, trustProxy: undefined }, {
      host: '127.0.0.1', port: 7000, metrics: true, socketio: true, socketioAuthUrl: 'http://app.test/broadcasting/auth', socketioAuthTimeoutMs: 2500, ...SERVER_LIMIT_DEFAULTS,
      appProvider: undefined, trustProxy: undefined,
    })
    assert.deepEqual(problems({ server: { port: '7000' } }), ["server.port: expected integer (got '7000')"])
    const badUrl = problems({ server: { socketioAuthUrl: 'app.test/auth' } })
    assert.ok(badUrl.length > 0 && badUrl.every((p) => p.startsWith('server.socketioAuthUrl: ')), `an auth URL without http(s):// is refused: ${badUrl.join('; ')}`)
  })

  test('a bad env value is reported with the variable it came from', () => {
    assert.deepEqual(problems({}, { PORT: 'eighty', BROADCAST_APP_CLIENT_EVENTS: 'maybe' }).sort(), [
      "apps.0.clientEvents: expected boolean (got 'maybe') (from BROADCAST_APP_CLIENT_EVENTS)",
      "server.port: expected integer (got 'eighty') (from PORT)",
    ])
  })

  test('the object beats env, which beats defaults, key by key', () => {
    const config = loadConfig(
      { connections: { pusher: { driver: 'pusher', key: 'from-object' } }, apps: [{ id: 'a1', key: 'k1', secret: 's1' }] },
      { PUSHER_APP_ID: '9', PUSHER_APP_KEY: 'from-env', PUSHER_APP_SECRET: 'env-secret', BROADCAST_APP_ID: 'env-app', BROADCAST_APP_CLIENT_EVENTS: 'false' },
    )
    assert.equal(config.connections.pusher?.driver, 'pusher')
    const pusher = config.connections.pusher as { key: string; secret: string; appId: string }
    assert.equal(pusher.key, 'from-object')
    assert.equal(pusher.secret, 'env-secret')
    assert.equal(pusher.appId, '9')
    assert.equal(config.apps[0]?.id, 'a1')
    assert.equal(config.apps[0]?.clientEvents, false, 'env fills what the object left out')
  })

  test('BROADCAST_CONNECTION wins over the legacy BROADCAST_DRIVER; an object default wins over both', () => {
    assert.equal(loadConfig({}, { BROADCAST_DRIVER: 'log' }).default, 'log')
    assert.equal(loadConfig({}, { BROADCAST_DRIVER: 'log', BROADCAST_CONNECTION: 'null' }).default, 'null')
    assert.equal(loadConfig({ default: 'redis' }, { BROADCAST_CONNECTION: 'null' }).default, 'redis')
  })

  test('an unused pusher/ably connection never fails start-up; a selected one must be complete', () => {
    // Laravel's .env.example leaves the keys blank and sets a cluster/port/scheme: still fine when unused.
    const laravelEnv = { PUSHER_APP_ID: '', PUSHER_APP_KEY: '', PUSHER_APP_SECRET: '', PUSHER_PORT: '443', PUSHER_SCHEME: 'https', PUSHER_APP_CLUSTER: 'mt1' }
    const config = loadConfig({}, laravelEnv)
    assert.equal(config.connections.pusher, undefined)
    assert.equal(config.connections.ably, undefined)
    assert.deepEqual(problems({}, { ...laravelEnv, BROADCAST_CONNECTION: 'pusher' }).sort(), [
      'connections.pusher.appId: is required (set PUSHER_APP_ID)',
      'connections.pusher.key: is required (set PUSHER_APP_KEY)',
      'connections.pusher.secret: is required (set PUSHER_APP_SECRET)',
    ])
    assert.deepEqual(problems({}, { BROADCAST_CONNECTION: 'ably' }), ['connections.ably.key: is required (set ABLY_KEY)'])
    assert.equal((loadConfig({}, { ABLY_KEY: 'app.key:secret' }).connections.ably as { key: string }).key, 'app.key:secret')
  })

  test('a default naming no connection is an error listing the known ones', () => {
    assert.deepEqual(problems({}, { BROADCAST_CONNECTION: 'mian' }), ["default: no connection named 'mian' (from BROADCAST_CONNECTION); known: redis, log, null"])
    assert.deepEqual(problems({ default: '' }), ["default: expected a non-empty connection name (got '')"])
  })

  test('local is predefined only when selected; the default connection is resolved by context', () => {
    assert.equal(loadConfig({}, {}).connections.local, undefined)
    assert.deepEqual(loadConfig({}, { BROADCAST_CONNECTION: 'local' }).connections.local, { driver: 'local' })
    assert.equal(resolveDefaultConnection(loadConfig({}, {}), { hostMounted: false }), 'null')
    assert.equal(resolveDefaultConnection(loadConfig({}, {}), { hostMounted: true }), 'local')
    assert.equal(resolveDefaultConnection(loadConfig({}, { BROADCAST_CONNECTION: 'log' }), { hostMounted: true }), 'log')
  })

  test('what loadConfig returns satisfies the one HeraldConfigSchema (loader and schema cannot drift)', () => {
    const configs = [
      loadConfig({}, {}),
      loadConfig({ default: 'main', connections: { main: { driver: 'redis', url: 'redis://127.0.0.1:1' } } }, { ABLY_KEY: 'a.b:c' }),
      loadConfig({}, { BROADCAST_CONNECTION: 'local', PUSHER_APP_ID: '1', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: 's' }),
    ]
    for (const config of configs) assert.deepEqual(checkSection(HeraldConfigSchema, config, ''), [])
    assert.notDeepEqual(checkSection(HeraldConfigSchema, { ...configs[0], connections: { x: { driver: 'nope' } } }, ''), [])
  })

  test('the result is deep-frozen', () => {
    const config = loadConfig({ connections: { main: { driver: 'log' } } }, {})
    assert.ok(Object.isFrozen(config))
    assert.ok(Object.isFrozen(config.connections))
    assert.ok(Object.isFrozen(config.connections.main))
    assert.ok(Object.isFrozen(config.apps))
    assert.ok(Object.isFrozen(config.apps[0]?.allowedOrigins))
    assert.throws(() => {
      ;(config.server as { port: number }).port = 1
    }, TypeError)
  })

  test('the input object is not mutated', () => {
    const input = { connections: { main: { driver: 'log' as const } }, apps: [{ id: 'a', key: 'k', secret: 's' }] }
    const copy = structuredClone(input)
    loadConfig(input, {})
    assert.deepEqual(input, copy)
    assert.ok(!Object.isFrozen(input.connections.main))
  })

  test('the default secret in production warns once with a code; a real secret does not', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      loadConfig({ apps: [{ id: 'a', key: 'k', secret: 'real' }] }, { NODE_ENV: 'production' })
      loadConfig({}, { NODE_ENV: 'development' })
      loadConfig({}, { NODE_ENV: 'production' })
      loadConfig({}, { NODE_ENV: 'production' })
      // process.emitWarning delivers on the next tick.
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    assert.equal(warnings.length, 1)
    assert.equal((warnings[0] as Error & { code?: string }).code, HERALD_WARN_DEFAULT_SECRET)
    assert.match(warnings[0]?.message ?? '', /BROADCAST_APP_SECRET/)
  })
})

describe('server limits (issue 11)', () => {
  test('come from HERALD_* env vars, converted, and bad ones are reported with the variable', () => {
    const config = loadConfig({}, { HERALD_FRAME_TIMEOUT_MS: '2500', HERALD_MAX_PENDING_PER_ADDRESS: '0', HERALD_REQUEST_TIMEOUT_MS: '60000' })
    assert.equal(config.server.frameTimeoutMs, 2500)
    assert.equal(config.server.maxPendingPerAddress, 0)
    assert.equal(config.server.requestTimeoutMs, 60000)
    assert.equal(config.server.headersTimeoutMs, SERVER_LIMIT_DEFAULTS.headersTimeoutMs)
    assert.throws(() => loadConfig({}, { HERALD_HEADERS_TIMEOUT_MS: '50' }), (err: unknown) => {
      assert.ok(err instanceof InvalidConfigError)
      assert.match(err.message, /server\.headersTimeoutMs.*HERALD_HEADERS_TIMEOUT_MS/)
      return true
    })
  })
})
