import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LifecycleDelay } from '../../../src/domain/lifecycle/lifecycle-delay.js'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { ManualTimers } from './manual-timers.js'

function setUp(delayMs?: number) {
  const timers = new ManualTimers()
  const out: LifecycleEvent[] = []
  const delay = new LifecycleDelay({ next: { observe: (e) => out.push(e) }, schedule: timers.schedule, ...(delayMs === undefined ? {} : { delayMs }) })
  const names = (): string[] => out.map((e) => `${e.name} ${e.channel}${'userId' in e && e.userId !== undefined ? ` ${e.userId}` : ''}`)
  return { timers, delay, names }
}

const occupied = (channel: string, appId = 'a'): LifecycleEvent => ({ name: 'channel_occupied', appId, channel })
const vacated = (channel: string, appId = 'a'): LifecycleEvent => ({ name: 'channel_vacated', appId, channel })
const added = (channel: string, userId: string): LifecycleEvent => ({ name: 'member_added', appId: 'a', channel, userId })
const removed = (channel: string, userId: string): LifecycleEvent => ({ name: 'member_removed', appId: 'a', channel, userId })

test('arrivals and other events pass at once; departures wait the delay (3 s by default)', () => {
  const { timers, delay, names } = setUp()
  delay.observe(occupied('c'))
  delay.observe(added('presence-c', 'u'))
  delay.observe({ name: 'cache_miss', appId: 'a', channel: 'cache-c' })
  delay.observe(removed('presence-c', 'u'))
  delay.observe(vacated('c'))
  assert.deepEqual(names(), ['channel_occupied c', 'member_added presence-c u', 'cache_miss cache-c'])
  assert.equal(delay.pending, 2)
  timers.advance(2999)
  assert.equal(names().length, 3)
  timers.advance(1)
  assert.deepEqual(names().slice(3), ['member_removed presence-c u', 'channel_vacated c'])
  assert.equal(delay.pending, 0)
})

test('a return within the delay drops both the departure and the return (a page reload sends nothing)', () => {
  const { timers, delay, names } = setUp(100)
  delay.observe(removed('presence-c', 'u'))
  delay.observe(vacated('presence-c'))
  timers.advance(50)
  delay.observe(occupied('presence-c'))
  delay.observe(added('presence-c', 'u'))
  timers.advance(1000)
  assert.deepEqual(names(), [])
  assert.equal(timers.active, 0)
})

test('the return must match: another user, channel or app does not cancel', () => {
  const { timers, delay, names } = setUp(100)
  delay.observe(removed('presence-c', 'u'))
  delay.observe(vacated('c'))
  delay.observe(added('presence-c', 'v'))
  delay.observe(occupied('c', 'other-app'))
  delay.observe(occupied('d'))
  timers.advance(100)
  assert.deepEqual(names(), ['member_added presence-c v', 'channel_occupied c', 'channel_occupied d', 'member_removed presence-c u', 'channel_vacated c'])
})

test('a repeated departure restarts its delay and is sent once', () => {
  const { timers, delay, names } = setUp(100)
  delay.observe(vacated('c'))
  timers.advance(60)
  delay.observe(vacated('c'))
  timers.advance(60)
  assert.deepEqual(names(), [])
  timers.advance(40)
  assert.deepEqual(names(), ['channel_vacated c'])
})

test('flush sends every held departure now and cancels its timer', () => {
  const { timers, delay, names } = setUp()
  delay.observe(vacated('c'))
  delay.observe(removed('presence-c', 'u'))
  delay.flush()
  assert.deepEqual(names(), ['channel_vacated c', 'member_removed presence-c u'])
  assert.equal(timers.active, 0)
  timers.advance(5000)
  assert.equal(names().length, 2)
})

test('the default timer fires (unref\'d) after the delay', async () => {
  const out: string[] = []
  const delay = new LifecycleDelay({ next: { observe: (e) => out.push(e.name) }, delayMs: 1 })
  delay.observe(vacated('c'))
  const { waitFor } = await import('../../helpers/wait-for.js')
  await waitFor(() => out.length === 1, { what: 'the real timer' })
  assert.deepEqual(out, ['channel_vacated'])
})
