import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from '../e2e/support/raw-client.js'
import { startServer } from '../../src/http/serve.js'

test('startServer listens from env (HOST, PORT) and serves /up, the WebSocket and the HTTP API', async (t) => {
  const server = await startServer({ env: { HOST: '127.0.0.1', PORT: '0', BROADCAST_APP_KEY: 'k1', BROADCAST_APP_SECRET: 's1', BROADCAST_APP_ID: 'i1' }, logger: false })
  t.after(() => server.close())
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.deepEqual(await (await fetch(`${server.url}/up`)).json(), { status: 'ok' })
  const raw = await RawClient.connect(server.port, '/app/k1?protocol=7')
  assert.equal(raw.frames[0]?.event, 'pusher:connection_established')
  raw.close()
})

test('startServer rejects a bad PORT before listening', async () => {
  await assert.rejects(startServer({ env: { PORT: 'abc' }, logger: false }), /PORT|port/)
})

test('bin/herald.js serve: logs where it listens; SIGTERM sends 4200 to clients and exits 0', { timeout: 60_000 }, async (t) => {
  const child = spawn(process.execPath, ['bin/herald.js', 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const line = await waitFor(() => out.split('\n').find((l) => l.includes('Herald listening')), { what: 'the "Herald listening" log line', timeoutMs: 30_000 })
  const { port, appKey } = JSON.parse(line) as { port: number; appKey: string }
  assert.ok(port > 0)
  const raw = await RawClient.connect(port, `/app/${appKey}?protocol=7`)
  assert.equal(raw.frames[0]?.event, 'pusher:connection_established')
  assert.equal((await fetch(`http://127.0.0.1:${port}/up`)).status, 200)
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  assert.equal((await raw.waitClosed()).code, 4200)
  const [code] = await exited
  assert.equal(code, 0, out)
  // Per-request lines are debug, so LOG_LEVEL=info stays quiet under load (one publish per event).
  assert.doesNotMatch(out, /incoming request|request completed/, out)
})
