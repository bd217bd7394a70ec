// Runs examples/queued-broadcasts.ts (shown in the README) against a private Redis and checks what it prints.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { startRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'

const EXAMPLE = fileURLToPath(new URL('../../examples/queued-broadcasts.ts', import.meta.url))

test('the README queue example: the now-broadcasts at once, the queued ones (an event and an anonymous broadcast) after dispatch, through the worker', { timeout: 60_000 }, async (t) => {
  const redis = await startRedis({ private: true })
  t.after(() => redis.stop())
  const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE], { env: { PATH: process.env.PATH, REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const delivered = () => output.includes('event=OrderShipped') && output.includes('event=OrderNoted')
  await waitFor(delivered, { what: `both queued broadcasts to be delivered (output so far: ${output})`, timeoutMs: 30_000 })
  const lines = output.trim().split('\n')
  assert.match(lines[0] ?? '', /\[Broadcast\] channel=private-chat\.1 event=TypingStarted/)
  assert.match(lines[1] ?? '', /\[Broadcast\] channel=private-chat\.1 event=MessageRead data=\{\\"id\\":7\}/)
  assert.equal(lines[2], 'dispatched: the order events are queued')
  // The worker runs jobs concurrently, so the two queued ones may arrive in either order (log lines are JSON).
  assert.deepEqual(lines.slice(3).map((l) => (JSON.parse(l) as { msg: string }).msg).sort(), [
    `[Broadcast] channel=private-orders.42 event=OrderNoted data={"note":"gift"}`,
    `[Broadcast] channel=private-orders.42 event=OrderShipped data={"orderId":42}`,
  ])
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = await exited
  assert.equal(code, 0, output)
  assert.equal(output.trim().split('\n').length, 5, `unexpected output:\n${output}`)
})
