import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { BullMqQueue } from '../../src/adapters/queue/bullmq-queue.js'
import { createBroadcastJob } from '../../src/domain/queue/broadcast-job.js'
import { startPusherHttpRecorder } from '../helpers/pusher-http-recorder.js'
import { startRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'

test('bin/herald.js work: delivers a queued broadcast through the configured driver; SIGTERM exits 0', { timeout: 60_000 }, async (t) => {
  const redis = await startRedis({ private: true })
  t.after(() => redis.stop())
  const pusher = await startPusherHttpRecorder()
  t.after(() => pusher.close())
  const env = {
    PATH: process.env.PATH,
    QUEUE_CONNECTION: 'bullmq',
    REDIS_URL: redis.url,
    BROADCAST_CONNECTION: 'pusher',
    PUSHER_APP_ID: '1',
    PUSHER_APP_KEY: 'k',
    PUSHER_APP_SECRET: 's',
    PUSHER_HOST: pusher.host,
    PUSHER_PORT: String(pusher.port),
    PUSHER_SCHEME: 'http',
  }
  const child = spawn(process.execPath, ['bin/herald.js', 'work'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  await waitFor(() => output.includes('delivering queued broadcasts'), { what: `herald work to start (output: ${output})`, timeoutMs: 20_000 })

  // What an app with QUEUE_CONNECTION=bullmq pushes when it dispatches an event.
  const queue = new BullMqQueue({ url: redis.url, prefix: 'herald', queue: 'broadcasts', concurrency: 1, lockDurationMs: 30000, stalledIntervalMs: 30000 })
  t.after(() => queue.close())
  await queue.push(createBroadcastJob({ channels: ['orders'], event: 'OrderShipped', payload: { id: 1 } }, 'pusher'))
  const [request] = await waitFor(() => (pusher.requests.length > 0 ? pusher.requests : undefined), { what: 'the worker to call Pusher', timeoutMs: 15_000 })
  assert.deepEqual(request?.json, { name: 'OrderShipped', channels: ['orders'], data: '{"id":1}' })

  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = await exited
  assert.equal(code, 0, output)
})

test('bin/herald.js work with the sync queue explains that sync needs no worker and exits 1', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, ['bin/herald.js', 'work'], { env: { PATH: process.env.PATH, QUEUE_CONNECTION: 'sync' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const [code] = await once(child, 'exit')
  assert.equal(code, 1)
  assert.match(output, /queue connection 'sync' uses driver 'sync', which delivers at once and needs no worker/)
})
