// The durable-queue rule: a bullmq default queue connection carries webhooks when some app may have them. Listed
// (config) apps decide by their webhooks; a provider's apps are not listed, so behind one any app may have them.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Redis } from 'ioredis'
import { createServerLifecycle } from '../../src/composition/create-lifecycle.js'
import { loadConfig } from '../../src/config/load-config.js'
import { LifecycleApps } from '../../src/domain/lifecycle/lifecycle-apps.js'
import type { LoggerPort } from '../../src/domain/ports/logger-port.js'
import { StaticAppLookup } from '../../src/domain/realtime/static-app-lookup.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'

const quiet: LoggerPort = { debug() {}, info() {}, warn() {}, error() {} }
let redis: TestRedis
let probe: Redis

before(async () => {
  redis = await startRedis({ private: true })
  probe = new Redis(redis.url)
})
after(async () => {
  probe?.disconnect()
  await redis?.stop()
})

/** Connections to the private Redis besides the probe's own. */
async function otherClients(): Promise<number> {
  const list = (await probe.client('LIST')) as string
  return list.trim().split('\n').length - 1
}

const config = (apps: { id: string; key: string; secret: string }[]) =>
  loadConfig({ apps, queue: { default: 'bullmq', connections: { bullmq: { driver: 'bullmq', url: redis.url, prefix: 'lifecycle-rule' } } } }, {})

test('config apps without webhooks keep the in-memory sender even with a bullmq default: nothing connects to Redis', async () => {
  const loaded = config([{ id: 'a', key: 'k', secret: 's' }])
  const lifecycle = await createServerLifecycle(new StaticAppLookup(loaded.apps), quiet, {}, loaded.queue)
  try {
    assert.equal(await otherClients(), 0)
  } finally {
    await lifecycle.close(0)
  }
})

test('behind an app provider (PostgreSQL), a bullmq default means the durable queue: its worker connects at start', async () => {
  const loaded = config([{ id: 'a', key: 'k', secret: 's' }])
  const apps = new LifecycleApps({ lookup: async () => undefined, refreshMs: 1000, onError: () => {} })
  const lifecycle = await createServerLifecycle(apps, quiet, {}, loaded.queue)
  try {
    assert.ok((await otherClients()) > 0, 'BullMQ connected for webhook delivery')
  } finally {
    await lifecycle.close(0)
  }
})
