import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AppReadyGate, MAX_HELD_PER_APP } from '../../../src/domain/lifecycle/app-ready-gate.js'
import { LifecycleApps } from '../../../src/domain/lifecycle/lifecycle-apps.js'
import type { LifecycleEvent } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { createLifecyclePipeline } from '../../../src/domain/lifecycle/lifecycle-pipeline.js'
import type { WebhookApp } from '../../../src/domain/lifecycle/webhook-dispatcher.js'
import type { WebhookRequest } from '../../../src/domain/lifecycle/webhook-request.js'
import { ManualTimers } from './manual-timers.js'

const HOOKED: WebhookApp = { id: 'db-app', key: 'k', secret: 's', webhooks: [{ url: 'http://hooks/1' }] }

/** A database stand-in: answers each lookup when told to, and counts lookups. */
function slowSource(rows: Record<string, WebhookApp>) {
  const waiting: (() => void)[] = []
  const source = {
    lookups: [] as string[],
    lookup: (appId: string) => {
      source.lookups.push(appId)
      return new Promise<WebhookApp | undefined>((resolve) => waiting.push(() => resolve(rows[appId])))
    },
    /** Answers every lookup asked so far and lets the promise callbacks run. */
    answer: async () => {
      for (const w of waiting.splice(0)) w()
      await new Promise((r) => setImmediate(r))
    },
  }
  return source
}

test('LifecycleApps: an app never seen waits for one lookup; a remembered one answers at once; stale ones refresh in the background', async () => {
  const timers = new ManualTimers()
  const rows: Record<string, WebhookApp> = { 'db-app': HOOKED }
  const source = slowSource(rows)
  const apps = new LifecycleApps({ lookup: source.lookup, refreshMs: 5000, onError: () => assert.fail('no error expected'), schedule: timers.schedule })

  assert.equal(apps.app('db-app'), undefined)
  const first = apps.ready('db-app')
  assert.ok(first instanceof Promise)
  assert.equal(apps.ready('db-app'), first, 'concurrent misses share one lookup')
  await source.answer()
  await first
  assert.equal(apps.ready('db-app'), undefined)
  assert.equal(apps.app('db-app'), HOOKED)
  assert.deepEqual(source.lookups, ['db-app'])

  rows['db-app'] = { ...HOOKED, secret: 'rotated' }
  timers.advance(4999)
  assert.equal(apps.ready('db-app'), undefined)
  assert.deepEqual(source.lookups, ['db-app'], 'fresh within the refresh period')
  timers.advance(1)
  assert.equal(apps.ready('db-app'), undefined, 'a known app never makes events wait, even when stale')
  assert.equal(apps.app('db-app'), HOOKED, 'the stale answer serves while the refresh runs')
  assert.equal(apps.ready('db-app'), undefined, 'one refresh at a time')
  await source.answer()
  assert.equal(apps.app('db-app')?.secret, 'rotated')
  assert.deepEqual(source.lookups, ['db-app', 'db-app'])

  const seen = { id: 'seen', key: 'k2', secret: 's2' }
  apps.remember(seen)
  apps.remember(seen)
  assert.equal(apps.ready('seen'), undefined, 'an app a connection looked up needs no lookup')
  assert.equal(apps.app('seen')?.key, 'k2')
  apps.close()
  assert.equal(timers.active, 0, 'close stops the refresh timer')
})

test('LifecycleApps: an absence is remembered until it is stale, then looked up again first; a rejecting lookup counts as unknown', async () => {
  const timers = new ManualTimers()
  const rows: Record<string, WebhookApp> = {}
  const source = slowSource(rows)
  const errors: string[] = []
  const apps = new LifecycleApps({ lookup: source.lookup, refreshMs: 0, onError: (_err, id) => errors.push(id), schedule: timers.schedule })
  const missing = apps.ready('later')
  await source.answer()
  await missing
  assert.equal(apps.ready('later'), undefined, 'a fresh absence answers at once')
  rows.later = { id: 'later', key: 'k', secret: 's' }
  timers.advance(250)
  const again = apps.ready('later')
  assert.ok(again instanceof Promise, 'a stale absence is looked up before events are let through')
  await source.answer()
  await again
  assert.equal(apps.app('later')?.id, 'later')

  const broken = new LifecycleApps({ lookup: () => Promise.reject(new Error('bug')), refreshMs: 100, onError: (_err, id) => errors.push(id), schedule: timers.schedule })
  await broken.ready('x')
  assert.equal(broken.app('x'), undefined)
  assert.deepEqual(errors, ['x'])
  apps.close()
  broken.close()
})

test('AppReadyGate: events of a known app pass at once; an unknown app\'s events wait in order for its lookup, others do not', async () => {
  const passed: string[] = []
  let release: () => void = () => {}
  const pending = new Promise<void>((r) => (release = r))
  const gate = new AppReadyGate({ observe: (e) => void passed.push(`${e.appId}:${e.channel}`) }, (appId) => (appId === 'new' ? pending : undefined))
  const event = (appId: string, channel: string): LifecycleEvent => ({ name: 'channel_occupied', appId, channel })
  gate.observe(event('new', 'a'))
  gate.observe(event('known', 'b'))
  gate.observe(event('new', 'c'))
  assert.deepEqual(passed, ['known:b'])
  assert.equal(gate.waiting, 1)
  release()
  await pending
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(passed, ['known:b', 'new:a', 'new:c'])
  assert.equal(gate.waiting, 0, 'nothing is kept once released')
  assert.ok(MAX_HELD_PER_APP >= 1000)
})

test('pipeline with ready: webhooks of an app from an async source, including one first seen in a settled (cluster) event', async () => {
  const timers = new ManualTimers()
  const sent: WebhookRequest[] = []
  const source = slowSource({ 'db-app': HOOKED })
  const apps = new LifecycleApps({ lookup: source.lookup, refreshMs: 60_000, onError: () => {}, schedule: timers.schedule })
  const pipeline = createLifecyclePipeline({
    app: (id) => apps.app(id),
    ready: (id) => apps.ready(id),
    delivery: { deliver: (r) => sent.push(r) },
    onHookError: () => {},
    onCountError: () => {},
    delayMs: 100,
    batchWindowMs: 10,
    schedule: timers.schedule,
    now: () => 7,
  })
  pipeline.settled.observe({ name: 'member_removed', appId: 'db-app', channel: 'presence-x', userId: 'u1' })
  timers.advance(10)
  assert.equal(sent.length, 0, 'held until the app is known')
  await source.answer()
  timers.advance(10)
  assert.deepEqual(sent.map((r) => [r.url, JSON.parse(r.body)]), [['http://hooks/1', { time_ms: 7, events: [{ name: 'member_removed', channel: 'presence-x', user_id: 'u1' }] }]])
  pipeline.observer.observe({ name: 'member_added', appId: 'db-app', channel: 'presence-x', userId: 'u2' })
  timers.advance(10)
  assert.equal(sent.length, 2, 'a known app passes at once: no lookup, no wait')
  assert.deepEqual(source.lookups, ['db-app'])
})
