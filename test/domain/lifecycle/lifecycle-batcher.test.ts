import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LifecycleBatcher } from '../../../src/domain/lifecycle/lifecycle-batcher.js'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { ManualTimers } from './manual-timers.js'

function setUp(options: { windowMs?: number; maxEvents?: number } = {}) {
  const timers = new ManualTimers()
  const batches: { appId: string; events: string[] }[] = []
  const batcher = new LifecycleBatcher({
    onBatch: (appId, events) => batches.push({ appId, events: events.map((e) => `${e.name} ${e.channel}`) }),
    schedule: timers.schedule,
    ...options,
  })
  return { timers, batcher, batches }
}

const ev = (name: 'channel_occupied' | 'cache_miss', channel: string, appId = 'a'): LifecycleEvent => ({ name, appId, channel })

test('events of one app within the window share one batch (50 ms by default), in order', () => {
  const { timers, batcher, batches } = setUp()
  batcher.observe(ev('channel_occupied', 'x'))
  timers.advance(49)
  batcher.observe(ev('channel_occupied', 'y'))
  assert.deepEqual(batches, [])
  timers.advance(1)
  assert.deepEqual(batches, [{ appId: 'a', events: ['channel_occupied x', 'channel_occupied y'] }])
  batcher.observe(ev('channel_occupied', 'z'))
  timers.advance(50)
  assert.equal(batches.length, 2)
})

test('apps are batched apart', () => {
  const { timers, batcher, batches } = setUp()
  batcher.observe(ev('channel_occupied', 'x', 'a'))
  batcher.observe(ev('channel_occupied', 'x', 'b'))
  timers.advance(50)
  assert.deepEqual(batches.map((b) => b.appId).sort(), ['a', 'b'])
})

test('a batch that reaches maxEvents is sent at once (bounded request size)', () => {
  const { timers, batcher, batches } = setUp({ maxEvents: 2 })
  for (const c of ['1', '2', '3']) batcher.observe(ev('channel_occupied', c))
  assert.deepEqual(batches, [{ appId: 'a', events: ['channel_occupied 1', 'channel_occupied 2'] }])
  timers.advance(50)
  assert.deepEqual(batches[1], { appId: 'a', events: ['channel_occupied 3'] })
  assert.equal(timers.active, 0)
})

test('a cache_miss already waiting for the same channel is not repeated', () => {
  const { batcher, batches } = setUp()
  batcher.observe(ev('cache_miss', 'cache-x'))
  batcher.observe(ev('cache_miss', 'cache-x'))
  batcher.observe(ev('cache_miss', 'cache-y'))
  batcher.observe(ev('channel_occupied', 'cache-x'))
  batcher.flush()
  assert.deepEqual(batches, [{ appId: 'a', events: ['cache_miss cache-x', 'cache_miss cache-y', 'channel_occupied cache-x'] }])
  batcher.flush()
  assert.equal(batches.length, 1)
})
