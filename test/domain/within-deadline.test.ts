import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DeadlineExceededError, HeraldError, HeraldErrorCode } from '../../src/domain/errors.js'
import { beforeDeadline, TIMED_OUT, withinDeadline } from '../../src/domain/within-deadline.js'

describe('withinDeadline', () => {
  test('resolves with the value, rejects with the error, or TIMED_OUT when late', async () => {
    assert.equal(await withinDeadline(Promise.resolve(7), 1000), 7)
    await assert.rejects(withinDeadline(Promise.reject(new Error('boom')), 1000), /boom/)
    assert.equal(await withinDeadline(new Promise(() => {}), 5), TIMED_OUT)
  })
})

describe('beforeDeadline', () => {
  test('settles like the work when in time', async () => {
    assert.equal(await beforeDeadline(Promise.resolve('ok'), 1000, 'a step'), 'ok')
    await assert.rejects(beforeDeadline(Promise.reject(new Error('sdk failed')), 1000, 'a step'), /sdk failed/)
  })

  test('rejects with a coded DeadlineExceededError naming the step and the bound when late', async () => {
    await assert.rejects(beforeDeadline(new Promise(() => {}), 5, 'redis PUBLISH'), (err: unknown) => {
      assert.ok(err instanceof DeadlineExceededError)
      assert.ok(HeraldError.is(err, HeraldErrorCode.DeadlineExceeded))
      assert.equal(err.timeoutMs, 5)
      assert.equal(err.message, 'redis PUBLISH did not complete within 5 ms')
      return true
    })
  })
})
