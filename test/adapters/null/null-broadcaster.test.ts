import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NullBroadcaster } from '../../../src/adapters/null/null-broadcaster.js'

test('NullBroadcaster accepts every broadcast and resolves, and closes idempotently', async () => {
  const port = new NullBroadcaster()
  const result = port.broadcast({ channels: ['orders'], event: 'E', payload: { a: 1 }, socketId: '1.2' })
  assert.ok(result instanceof Promise)
  assert.equal(await result, undefined)
  await port.close()
  await port.close()
})
