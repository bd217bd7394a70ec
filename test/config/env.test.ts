import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ENV_TABLE, readEnv } from '../../src/config/env.js'

test('readEnv: set values with their config path; empty strings count as unset', () => {
  const found = readEnv({ PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: '', REDIS_URL: 'redis://x:1', UNRELATED: 'x' })
  assert.deepEqual(Object.fromEntries(found), {
    'connections.pusher.key': { env: 'PUSHER_APP_KEY', value: 'k' },
    'connections.redis.url': { env: 'REDIS_URL', value: 'redis://x:1' },
  })
})

test('readEnv: BROADCAST_CONNECTION wins over the legacy BROADCAST_DRIVER', () => {
  assert.deepEqual(readEnv({ BROADCAST_DRIVER: 'log', BROADCAST_CONNECTION: 'redis' }).get('default'), { env: 'BROADCAST_CONNECTION', value: 'redis' })
  assert.deepEqual(readEnv({ BROADCAST_DRIVER: 'log' }).get('default'), { env: 'BROADCAST_DRIVER', value: 'log' })
})

test('the table uses the Laravel names the issue lists', () => {
  const names: string[] = ENV_TABLE.map((e) => e.env)
  for (const name of [
    'BROADCAST_DRIVER',
    'BROADCAST_CONNECTION',
    'PUSHER_APP_ID',
    'PUSHER_APP_KEY',
    'PUSHER_APP_SECRET',
    'PUSHER_APP_CLUSTER',
    'PUSHER_HOST',
    'PUSHER_PORT',
    'PUSHER_SCHEME',
    'ABLY_KEY',
    'REDIS_URL',
  ]) {
    assert.ok(names.includes(name), `${name} is read`)
  }
})
