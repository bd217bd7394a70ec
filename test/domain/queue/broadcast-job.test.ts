import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { createBroadcastJob, parseBroadcastJob } from '../../../src/domain/queue/broadcast-job.js'
import { assertValidBackoff, backoffDelayMs, show } from '../../../src/domain/queue/backoff.js'

const message = { channels: ['private-orders.1'], event: 'OrderShipped', payload: { id: 1 } }

describe('createBroadcastJob', () => {
  test('defaults: one try, no backoff, no timeout; the queue comes from the message', () => {
    assert.deepEqual(createBroadcastJob(message, 'main'), { v: 1, connection: 'main', message, tries: 1, backoff: 0 })
    assert.equal(createBroadcastJob({ ...message, queue: 'q' }, 'main').queue, 'q')
    assert.equal(createBroadcastJob({ ...message, queue: 'q' }, 'main', { queue: 'other' }).queue, 'other')
  })

  test('keeps tries, a backoff list (copied) and a timeout; the job is plain JSON', () => {
    const backoff = [1, 5]
    const job = createBroadcastJob(message, 'main', { tries: 3, backoff, timeout: 2.5 })
    assert.deepEqual(job, { v: 1, connection: 'main', message, tries: 3, backoff: [1, 5], timeout: 2.5 })
    assert.notEqual(job.backoff, backoff)
    assert.deepEqual(JSON.parse(JSON.stringify(job)), job)
  })

  for (const [settings, field] of [
    [{ tries: 0 }, 'tries'],
    [{ tries: 1.5 }, 'tries'],
    [{ tries: '3' }, 'tries'],
    [{ backoff: -1 }, 'backoff'],
    [{ backoff: [] }, 'backoff'],
    [{ backoff: [1, 'x'] }, 'backoff'],
    [{ timeout: 0 }, 'timeout'],
    [{ timeout: 'soon' }, 'timeout'],
  ] as const) {
    test(`rejects ${JSON.stringify(settings)} naming ${field}`, () => {
      assert.throws(
        () => createBroadcastJob(message, 'main', settings),
        (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidBroadcastJob) && (err as unknown as { field: string }).field === field && err.message.includes(field),
      )
    })
  }
})

describe('parseBroadcastJob', () => {
  test('round-trips a job through JSON and freezes the message', () => {
    const job = createBroadcastJob({ ...message, socketId: '1.2', queue: 'q' }, 'main', { tries: 2, backoff: [1], timeout: 3 })
    const parsed = parseBroadcastJob(JSON.parse(JSON.stringify(job)))
    assert.deepEqual(parsed, job)
    assert.ok(Object.isFrozen(parsed.message))
    assert.ok(Object.isFrozen(parsed.message.channels))
  })

  for (const [data, field] of [
    [null, 'job'],
    [[], 'job'],
    [{ v: 2 }, 'v'],
    [{ v: 1, connection: '' }, 'connection'],
    [{ v: 1, connection: 'main', message: 'x' }, 'message'],
    [{ v: 1, connection: 'main', message: { channels: 'a', event: 'E' } }, 'message.channels'],
    [{ v: 1, connection: 'main', message: { channels: [1], event: 'E' } }, 'message.channels'],
    [{ v: 1, connection: 'main', message: { channels: ['a'], event: 5 } }, 'message.event'],
    [{ v: 1, connection: 'main', message: { channels: ['a'], event: 'E', socketId: 5 } }, 'message.socketId'],
    [{ v: 1, connection: 'main', message: { channels: ['a'], event: 'E' }, queue: 5, tries: 1, backoff: 0 }, 'queue'],
    [{ v: 1, connection: 'main', message: { channels: ['a'], event: 'E' }, tries: 0, backoff: 0 }, 'tries'],
  ] as const) {
    test(`rejects ${JSON.stringify(data)} naming ${field}`, () => {
      assert.throws(() => parseBroadcastJob(data), (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidBroadcastJob) && (err as unknown as { field: string }).field === field)
    })
  }

  test('a tampered event or channel name fails with the usual name errors', () => {
    const base = { v: 1, connection: 'main', tries: 1, backoff: 0 }
    assert.throws(() => parseBroadcastJob({ ...base, message: { channels: ['a'], event: 'pusher:x' } }), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEventName))
    assert.throws(() => parseBroadcastJob({ ...base, message: { channels: ['bad channel'], event: 'E' } }), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidChannelName))
  })
})

describe('backoff', () => {
  test('a number is the same delay for every retry; a list gives one per retry and its last repeats', () => {
    assert.deepEqual([1, 2, 3].map((r) => backoffDelayMs(2, r)), [2000, 2000, 2000])
    assert.deepEqual([0, 1, 2, 3, 4].map((r) => backoffDelayMs([0.05, 1, 10], r)), [50, 50, 1000, 10000, 10000])
  })

  test('assertValidBackoff names the field; show() copes with values JSON cannot show', () => {
    assert.throws(() => assertValidBackoff(Number.NaN, 'my.backoff'), /my\.backoff/)
    assert.doesNotThrow(() => assertValidBackoff([0, 1]))
    assert.equal(show(undefined), 'nothing')
    assert.equal(show(10n), 'bigint')
    assert.equal(show(Symbol.iterator), 'Symbol(Symbol.iterator)')
  })
})
