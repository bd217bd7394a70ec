import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_WEBHOOK_RETRY, nextRetryDelayMs } from '../../../src/domain/lifecycle/webhook-retry.js'

test('the wait doubles from 1 s up to 60 s, and stops 5 minutes after the first attempt', () => {
  const waits: number[] = []
  let elapsed = 0
  for (let failures = 1; ; failures++) {
    const wait = nextRetryDelayMs(DEFAULT_WEBHOOK_RETRY, failures, elapsed)
    if (wait === undefined) break
    waits.push(wait)
    elapsed += wait
  }
  assert.deepEqual(waits.slice(0, 8), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000])
  assert.equal(elapsed, 300_000, 'the last wait is cut so the final attempt is at the bound')
  assert.equal(nextRetryDelayMs(DEFAULT_WEBHOOK_RETRY, 1, 300_001), undefined)
  assert.equal(nextRetryDelayMs({ initialDelayMs: 10, maxDelayMs: 100, retryForMs: 1000 }, 0, 0), 10)
})
