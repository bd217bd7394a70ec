import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { ignoreLifecycle } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { fanOutLifecycle, LifecycleHooks } from '../../../src/domain/lifecycle/lifecycle-hooks.js'
import { createLifecyclePipeline } from '../../../src/domain/lifecycle/lifecycle-pipeline.js'
import type { WebhookRequest } from '../../../src/domain/lifecycle/webhook-request.js'
import { ManualTimers } from './manual-timers.js'

const apps = {
  hooked: { id: 'hooked', key: 'k1', secret: 's1', webhooks: [{ url: 'http://a/1' }, { url: 'http://a/2', eventTypes: ['channel_vacated' as const] }] },
  plain: { id: 'plain', key: 'k2', secret: 's2' },
}

function setUp() {
  const timers = new ManualTimers()
  const sent: WebhookRequest[] = []
  const errors: string[] = []
  const pipeline = createLifecyclePipeline({
    app: (id) => (apps as Record<string, (typeof apps)['hooked'] | (typeof apps)['plain']>)[id],
    delivery: { deliver: (r) => sent.push(r) },
    onHookError: (err, e) => errors.push(`${e.name}: ${(err as Error).message}`),
    onCountError: (err) => errors.push(`count: ${(err as Error).message}`),
    delayMs: 100,
    batchWindowMs: 10,
    batchMaxEvents: 10,
    schedule: timers.schedule,
    now: () => 42,
  })
  return { timers, sent, errors, pipeline }
}

test('observer → delay → hooks and, for apps with webhooks, one batched request per target that wants the events', () => {
  const { timers, sent, pipeline } = setUp()
  const heard: string[] = []
  pipeline.hooks.on('channel_vacated', (e) => void heard.push(`${e.appId} ${e.channel}`))
  pipeline.observer.observe({ name: 'channel_occupied', appId: 'hooked', channel: 'c' })
  pipeline.observer.observe({ name: 'channel_vacated', appId: 'hooked', channel: 'c' })
  pipeline.observer.observe({ name: 'channel_vacated', appId: 'plain', channel: 'c' })
  timers.advance(10)
  assert.deepEqual(sent.map((r) => [r.url, r.body]), [['http://a/1', '{"time_ms":42,"events":[{"name":"channel_occupied","channel":"c"}]}']])
  timers.advance(100)
  timers.advance(10)
  assert.deepEqual(heard, ['hooked c', 'plain c'])
  assert.deepEqual(sent.slice(1).map((r) => r.url), ['http://a/1', 'http://a/2'])
  assert.ok(sent.every((r) => r.appId === 'hooked' && r.headers['X-Pusher-Key'] === 'k1'))
})

test('settled events skip the delay; flush sends held departures and open batches; unknown apps are ignored', () => {
  const { sent, pipeline } = setUp()
  pipeline.settled.observe({ name: 'channel_vacated', appId: 'hooked', channel: 'x' })
  pipeline.observer.observe({ name: 'channel_vacated', appId: 'hooked', channel: 'y' })
  pipeline.observer.observe({ name: 'channel_occupied', appId: 'nobody', channel: 'z' })
  pipeline.flush()
  assert.deepEqual(JSON.parse(sent[0]!.body).events, [{ name: 'channel_vacated', channel: 'x' }, { name: 'channel_vacated', channel: 'y' }])
})

test('hooks: on/off, has(), and a listener that throws or rejects is reported while the others still run', async () => {
  const errors: string[] = []
  const hooks = new LifecycleHooks((err, e) => errors.push(`${e.name}: ${(err as Error).message}`))
  const heard: string[] = []
  assert.equal(hooks.has(), false)
  hooks.on('member_added', () => {
    throw new Error('sync')
  })
  hooks.on('member_added', async () => {
    throw new Error('async')
  })
  const listener = (e: { userId: string }): void => void heard.push(e.userId)
  const off = hooks.on('member_added', listener)
  assert.equal(hooks.has('member_added'), true)
  assert.equal(hooks.has('member_removed'), false)
  const event: LifecycleEvent = { name: 'member_added', appId: 'a', channel: 'presence-c', userId: 'u' }
  fanOutLifecycle(hooks, ignoreLifecycle).observe(event)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(heard, ['u'])
  assert.deepEqual(errors.sort(), ['member_added: async', 'member_added: sync'])
  off()
  hooks.off('member_removed', () => {})
  hooks.observe(event)
  assert.deepEqual(heard, ['u'])
  hooks.observe({ name: 'cache_miss', appId: 'a', channel: 'cache-c' })
})

test('nothing is held for an app without webhooks or counting while no hook listens; raw counts need subscriptionCount', () => {
  const { timers, sent, pipeline } = setUp()
  pipeline.observer.observe({ name: 'channel_vacated', appId: 'plain', channel: 'c' })
  pipeline.observer.observe({ name: 'subscription_count', appId: 'hooked', channel: 'c', subscriptionCount: 1 })
  const heard: string[] = []
  pipeline.hooks.on('channel_vacated', (e) => void heard.push(e.channel))
  timers.advance(1000)
  assert.deepEqual(heard, [])
  assert.deepEqual(sent, [])
})
