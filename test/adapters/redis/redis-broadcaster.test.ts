import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import { RedisBroadcaster } from '../../../src/adapters/redis/redis-broadcaster.js'
import type { RedisOptions } from '../../../src/adapters/redis/redis-options.js'
import { HeraldError, HeraldErrorCode, type BroadcastFailedError } from '../../../src/domain/errors.js'
import { describeBroadcasterContract, type ObservedMessage } from '../../contract/broadcaster-port.contract.js'
import { freePort } from '../../helpers/free-port.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'

/** Unique names, so this file may share a Redis given by REDIS_URL with other test files. */
const RUN = `h4drv${process.pid}`

function options(url: string, extra: Partial<RedisOptions> = {}): RedisOptions {
  return { url, prefix: '', timeoutMs: 5000, ...extra }
}

/** A raw subscriber recording every message published on `pattern`, as Laravel-format readers see it. */
async function recordPublishes(url: string, pattern: string): Promise<{ seen: { channel: string; raw: string }[]; close(): Promise<void> }> {
  const sub = new Redis(url, { lazyConnect: true })
  await sub.connect()
  const seen: { channel: string; raw: string }[] = []
  sub.on('pmessage', (_pattern: string, channel: string, raw: string) => seen.push({ channel, raw }))
  await sub.psubscribe(pattern)
  return { seen, close: async () => void (await sub.quit()) }
}

describeBroadcasterContract('RedisBroadcaster', async () => {
  const redis = await startRedis()
  const port = new RedisBroadcaster(options(redis.url))
  const recorder = await recordPublishes(redis.url, '*')
  return {
    port,
    observe: async (): Promise<ObservedMessage[]> =>
      recorder.seen.map(({ channel, raw }) => {
        const m = JSON.parse(raw) as { event: string; data: unknown; socket: string | null }
        return { channel, event: m.event, payload: m.data, socketId: m.socket ?? undefined }
      }),
    teardown: async () => {
      await port.close()
      await recorder.close()
      await redis.stop()
    },
  }
})

describe('RedisBroadcaster wire format', () => {
  let redis: TestRedis
  before(async () => {
    redis = await startRedis()
  })
  after(async () => {
    await redis.stop()
  })

  test('publishes Laravel\'s {"event","data","socket"} once per channel, socket null without toOthers', async (t) => {
    const recorder = await recordPublishes(redis.url, `*fmt-${RUN}*`)
    const driver = new RedisBroadcaster(options(redis.url))
    t.after(async () => {
      await driver.close()
      await recorder.close()
    })
    await driver.broadcast({ channels: [`fmt-${RUN}a`, `private-fmt-${RUN}b`], event: 'OrderShipped', payload: { id: 1 } })
    await waitFor(() => recorder.seen.length >= 2, { what: 'two publishes' })
    assert.deepEqual(
      recorder.seen.map((s) => s.channel),
      [`fmt-${RUN}a`, `private-fmt-${RUN}b`],
    )
    for (const { raw } of recorder.seen) {
      assert.equal(raw, '{"event":"OrderShipped","data":{"id":1},"socket":null}')
    }
  })

  test('carries the toOthers socket id and applies the prefix to the channel only', async (t) => {
    const recorder = await recordPublishes(redis.url, `laravel_database_${RUN}_*`)
    const driver = new RedisBroadcaster(options(redis.url, { prefix: `laravel_database_${RUN}_` }))
    t.after(async () => {
      await driver.close()
      await recorder.close()
    })
    await driver.broadcast({ channels: ['presence-chat.1'], event: 'Typing', payload: { u: 2 }, socketId: '123.456' })
    const [seen] = await waitFor(() => (recorder.seen.length > 0 ? recorder.seen : undefined), { what: 'prefixed publish' })
    assert.equal(seen?.channel, `laravel_database_${RUN}_presence-chat.1`)
    assert.deepEqual(JSON.parse(seen?.raw ?? ''), { event: 'Typing', data: { u: 2 }, socket: '123.456' })
  })
})

describe('RedisBroadcaster failures', () => {
  async function expectPromptRejection(promise: Promise<void>, channels: string[]): Promise<BroadcastFailedError> {
    // The driver's own timeout is 20 s here: rejecting well before it shows the outage is detected, not waited out.
    let timer: NodeJS.Timeout | undefined
    const tooSlow = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('broadcast did not reject within 3 s while Redis is down')), 3000)
    })
    try {
      await Promise.race([promise, tooSlow]).then(
        () => assert.fail('broadcast resolved while Redis is down'),
        (err: unknown) => {
          if (err instanceof Error && err.message.startsWith('broadcast did not reject')) throw err
          assert.ok(HeraldError.is(err, HeraldErrorCode.BroadcastFailed), `expected BroadcastFailedError, got ${String(err)}`)
          const failed = err as BroadcastFailedError
          assert.equal(failed.driver, 'redis')
          assert.deepEqual(failed.channels, channels)
          assert.match(failed.message, /redis/)
          assert.ok(failed.cause !== undefined, 'keeps the cause')
        },
      )
    } finally {
      clearTimeout(timer)
    }
    return (await promise.catch((err: unknown) => err)) as BroadcastFailedError
  }

  test('rejects promptly with BroadcastFailedError when nothing listens on the port', async (t) => {
    const port = await freePort()
    const driver = new RedisBroadcaster(options(`redis://127.0.0.1:${port}`, { timeoutMs: 20_000 }))
    t.after(() => driver.close())
    let result: Promise<void> | undefined
    assert.doesNotThrow(() => {
      result = driver.broadcast({ channels: ['down'], event: 'E', payload: {} })
    })
    await expectPromptRejection(result ?? Promise.resolve(), ['down'])
  })

  test('rejects promptly during an outage and publishes again once Redis is back, without a restart', async (t) => {
    const redis = await startRedis({ private: true })
    const driver = new RedisBroadcaster(options(redis.url, { timeoutMs: 20_000 }))
    t.after(async () => {
      await driver.close()
      await redis.stop()
    })
    await driver.broadcast({ channels: ['before'], event: 'E', payload: {} })
    await redis.stop()
    await expectPromptRejection(driver.broadcast({ channels: ['during', 'private-x'], event: 'E', payload: {} }), ['during', 'private-x'])
    await redis.restart()
    const recorder = await recordPublishes(redis.url, '*')
    t.after(() => recorder.close())
    await waitFor(
      async () => {
        try {
          await driver.broadcast({ channels: ['after'], event: 'E', payload: { ok: true } })
          return true
        } catch {
          return false
        }
      },
      { what: 'a publish succeeding after Redis restarted', timeoutMs: 10_000, intervalMs: 100 },
    )
    await waitFor(() => recorder.seen.some((s) => s.channel === 'after'), { what: 'the publish after restart' })
  })

  test('rejects a payload that cannot be serialised instead of throwing', async (t) => {
    const redis = await startRedis()
    const driver = new RedisBroadcaster(options(redis.url))
    t.after(async () => {
      await driver.close()
      await redis.stop()
    })
    const circular: Record<string, unknown> = {}
    circular['self'] = circular
    await assert.rejects(driver.broadcast({ channels: ['c'], event: 'E', payload: circular }), (err: unknown) =>
      HeraldError.is(err, HeraldErrorCode.BroadcastFailed),
    )
  })

  test('a closed driver rejects and close() is idempotent', async () => {
    const driver = new RedisBroadcaster(options('redis://127.0.0.1:1'))
    await driver.close()
    await driver.close()
    await assert.rejects(driver.broadcast({ channels: ['c'], event: 'E', payload: {} }), /closed/)
  })
})
