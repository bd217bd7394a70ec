import assert from 'node:assert/strict'
import { test } from 'node:test'
import { settleWithin } from '../../src/http/settle-within.js'

test('settleWithin: true when the promise settles (a rejection counts), false when it never does', async () => {
  assert.equal(await settleWithin(Promise.resolve(1), 1000), true)
  assert.equal(await settleWithin(Promise.reject(new Error('driver failed')), 1000), true)
  assert.equal(await settleWithin(new Promise(() => {}), 10), false)
})
