// Runs examples/queued-broadcasts.ts (shown in the README) against a private Redis and checks what it prints.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { startRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'

const EXAMPLE = fileURLToPath(new URL('../../examples/queued-broadcasts.ts', import.meta.url))

test('the README queue example: the now-event at once, the queued one after dispatch, through the worker', { timeout: 60_000 }, async (t) => {
  const redis = await startRedis({ private: true })
  t.after(() => redis.stop())
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], { env: { PATH: process.env.PATH, REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  await waitFor(() => output.includes('event=OrderShipped'), { what: `the queued broadcast to be delivered (output so far: ${output})`, timeoutMs: 30_000 })
  const lines = output.trim().split('\n')
  assert.match(lines[0] ?? '', /\[Broadcast\] channel=private-chat\.1 event=TypingStarted/)
  assert.equal(lines[1], 'dispatched: the order event is queued')
  assert.match(lines[2] ?? '', /\[Broadcast\] channel=private-orders\.42 event=OrderShipped data=\{\\"orderId\\":42\}/)
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = await exited
  assert.equal(code, 0, output)
  assert.equal(output.trim().split('\n').length, 3, `unexpected output:\n${output}`)
})
