import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { LocalCountWindows, SubscriptionCountThrottle, type SubscriptionCountPort } from '../../../src/domain/lifecycle/subscription-count-throttle.js'
import { ManualTimers } from './manual-timers.js'

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function setUp(options: { enabled?: (appId: string) => boolean; port?: Partial<SubscriptionCountPort> } = {}) {
  const timers = new ManualTimers()
  const windows = new LocalCountWindows(() => timers.now)
  const counts = new Map<string, number>()
  const published: string[] = []
  const out: LifecycleEvent[] = []
  const errors: string[] = []
  const throttle = new SubscriptionCountThrottle({
    next: { observe: (e) => out.push(e) },
    enabled: options.enabled ?? (() => true),
    onError: (err, appId, channel) => errors.push(`${appId} ${channel}: ${(err as Error).message}`),
    windowMs: 100,
    schedule: timers.schedule,
  })
  throttle.connect({
    claim: async (a, c, ms) => windows.claim(a, c, ms),
    count: async (_a, c) => counts.get(c) ?? 0,
    publish: async (_a, c, n) => void published.push(`${c}=${n}`),
    ...options.port,
  })
  const change = (channel: string, n: number, appId = 'a'): void => {
    counts.set(channel, n)
    throttle.observe({ name: 'subscription_count', appId, channel, subscriptionCount: n })
  }
  return { timers, windows, throttle, counts, published, out, errors, change }
}

test('the first change is sent at once; changes inside the window go out once, with the count at the window\'s end', async () => {
  const { timers, published, out, change, throttle } = setUp()
  change('c', 1)
  await settle()
  assert.deepEqual(published, ['c=1'])
  assert.deepEqual(out, [{ name: 'subscription_count', appId: 'a', channel: 'c', subscriptionCount: 1 }])
  change('c', 2)
  change('c', 3)
  await settle()
  assert.equal(throttle.retrying, 1)
  timers.advance(99)
  await settle()
  assert.deepEqual(published, ['c=1'])
  timers.advance(1)
  await settle()
  assert.deepEqual(published, ['c=1', 'c=3'])
  assert.equal(throttle.retrying, 0)
  assert.equal(out.length, 2)
})

test('presence channels, apps without counting and counts before connect() are not sent; other events pass through', async () => {
  const { published, out, change, throttle } = setUp({ enabled: (appId) => appId === 'a' })
  change('presence-c', 1)
  change('c', 1, 'b')
  throttle.observe({ name: 'cache_miss', appId: 'a', channel: 'cache-c' })
  await settle()
  assert.deepEqual(published, [])
  assert.deepEqual(out, [{ name: 'cache_miss', appId: 'a', channel: 'cache-c' }])
  const unconnected = new SubscriptionCountThrottle({ next: { observe: () => assert.fail('nothing to pass') }, enabled: () => true, onError: () => {} })
  unconnected.observe({ name: 'subscription_count', appId: 'a', channel: 'c', subscriptionCount: 1 })
})

test('a window claimed elsewhere (another server) is retried once when it ends; a lost retry is left to its winner', async () => {
  let held = true
  const { timers, published, change } = setUp({ port: { claim: async () => (held ? 40 : true) } })
  change('c', 5)
  await settle()
  assert.deepEqual(published, [])
  timers.advance(40)
  await settle()
  assert.deepEqual(published, [], 'the retry lost too: the winner read the count after this change')
  held = false
  change('c', 6)
  await settle()
  assert.deepEqual(published, ['c=6'])
})

test('failures are reported with the channel', async () => {
  const { errors, change } = setUp({ port: { count: () => Promise.reject(new Error('redis down')) } })
  change('c', 1)
  await settle()
  assert.deepEqual(errors, ['a c: redis down'])
})

test('local windows: one claim per window per channel, ended windows forgotten', () => {
  let now = 0
  const windows = new LocalCountWindows(() => now)
  assert.equal(windows.claim('a', 'x', 100), true)
  assert.equal(windows.claim('a', 'y', 100), true)
  now = 30
  assert.equal(windows.claim('a', 'x', 100), 70)
  now = 100
  assert.equal(windows.claim('a', 'x', 100), true)
  assert.equal(windows.size, 1, 'y ended and was dropped')
  assert.equal(new LocalCountWindows().claim('a', 'x', 1), true)
})
