// Runs examples/without-fastify.ts (shown in the README) and checks what it prints.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const EXAMPLE = fileURLToPath(new URL('../../examples/without-fastify.ts', import.meta.url))

test('the README example without Fastify runs the listener, then logs each broadcast', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(run.status, 0, `the example failed:\n${run.stdout}\n${run.stderr}`)
  const lines = run.stdout.trim().split('\n')
  assert.equal(lines[0], 'listener: order 42 shipped')
  assert.match(lines[1] ?? '', /\[Broadcast\] channel=private-orders\.42 event=OrderShipped data=\{\\"orderId\\":42\}/)
  assert.match(lines[2] ?? '', /\[Broadcast\] channel=orders event=OrderCreated data=\{\\"id\\":43\}/)
  assert.equal(lines.length, 3, `unexpected output:\n${run.stdout}`)
})
