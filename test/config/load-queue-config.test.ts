import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config/load-config.js'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../../src/domain/errors.js'

test('queue: sync by default; sync and bullmq always predefined; bullmq takes REDIS_URL', () => {
  const config = loadConfig({}, { REDIS_URL: 'redis://10.0.0.1:6380' })
  assert.equal(config.queue?.default, 'sync')
  assert.deepEqual(config.queue?.connections.sync, { driver: 'sync' })
  assert.deepEqual(config.queue?.connections.bullmq, {
    driver: 'bullmq',
    url: 'redis://10.0.0.1:6380',
    prefix: 'herald',
    queue: 'broadcasts',
    concurrency: 10,
    lockDurationMs: 30000,
    stalledIntervalMs: 30000,
  })
})

test('queue: QUEUE_CONNECTION picks the default; your object wins over env', () => {
  assert.equal(loadConfig({}, { QUEUE_CONNECTION: 'bullmq' }).queue?.default, 'bullmq')
  const config = loadConfig({ queue: { default: 'jobs', connections: { jobs: { driver: 'bullmq', url: 'redis://q:1', concurrency: 2 } } } }, { QUEUE_CONNECTION: 'sync' })
  assert.equal(config.queue?.default, 'jobs')
  assert.equal(config.queue?.connections.jobs?.driver, 'bullmq')
})

test('queue: every bad key is reported with its path', () => {
  const issues = (input: unknown, env = {}) => {
    try {
      loadConfig(input as never, env)
    } catch (err) {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig))
      return (err as InvalidConfigError).issues.map((i) => `${i.path}: ${i.message}`)
    }
    return []
  }
  assert.deepEqual(issues({ queue: 'bullmq' }), ["queue: expected an object with default and connections (got 'bullmq')"])
  assert.deepEqual(issues({ queue: { connections: [] } }), ['queue.connections: expected an object of named queue connections (got [])'])
  assert.deepEqual(issues({ queue: { extra: 1 } }), ['queue.extra: unknown key'])
  assert.deepEqual(issues({}, { QUEUE_CONNECTION: 'sqs' }), ["queue.default: no queue connection named 'sqs' (from QUEUE_CONNECTION); known: sync, bullmq"])
  const many = issues({ queue: { connections: { a: 1, b: {}, c: { driver: 'sqs' }, d: { driver: 'bullmq', concurrency: 0, nope: true } } } })
  assert.ok(many.includes('queue.connections.a: expected a queue connection object with a driver (got 1)'), many.join('\n'))
  assert.ok(many.includes('queue.connections.b.driver: is required; expected one of sync, bullmq'), many.join('\n'))
  assert.ok(many.includes("queue.connections.c.driver: expected one of sync, bullmq (got 'sqs')"), many.join('\n'))
  assert.ok(many.some((m) => m.startsWith('queue.connections.d.concurrency:')), many.join('\n'))
  assert.ok(many.includes('queue.connections.d.nope: unknown key'), many.join('\n'))
})
