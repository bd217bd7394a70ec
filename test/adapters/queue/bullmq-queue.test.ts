import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { BullMqQueue } from '../../../src/adapters/queue/bullmq-queue.js'
import { BullMqWorker } from '../../../src/adapters/queue/bullmq-worker.js'
import { PusherBroadcaster } from '../../../src/adapters/pusher/pusher-broadcaster.js'
import { RedisBroadcaster } from '../../../src/adapters/redis/redis-broadcaster.js'
import type { BullMqOptions } from '../../../src/adapters/queue/bullmq-options.js'
import { Broadcasting } from '../../../src/domain/broadcasting/broadcasting.js'
import type { BroadcastMessage } from '../../../src/domain/broadcasting/broadcast-message.js'
import { PrivateChannel } from '../../../src/domain/channels/channel.js'
import { BroadcastEvent } from '../../../src/domain/events/broadcast-event.js'
import type { BroadcasterPort } from '../../../src/domain/ports/broadcaster-port.js'
import { freePort } from '../../helpers/free-port.js'
import { startPusherHttpRecorder } from '../../helpers/pusher-http-recorder.js'
import { startRedis, type TestRedis } from '../../helpers/redis-server.js'
import { waitFor } from '../../helpers/wait-for.js'
import { recordingLogger } from './recording-logger.js'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  readonly #tries: number
  readonly #backoff: number | number[]
  constructor(orderId: number, tries = 1, backoff: number | number[] = 0) {
    super()
    this.orderId = orderId
    this.#tries = tries
    this.#backoff = backoff
  }
  get tries() {
    return this.#tries
  }
  backoff() {
    return this.#backoff
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastAs() {
    return 'OrderShipped'
  }
}

/** Fails its first `failures` broadcasts, then records. */
class FlakyPort implements BroadcasterPort {
  readonly delivered: BroadcastMessage[] = []
  readonly failures: number
  attempts = 0
  constructor(failures: number) {
    this.failures = failures
  }
  async broadcast(message: BroadcastMessage): Promise<void> {
    this.attempts += 1
    if (this.attempts <= this.failures) throw new Error(`driver down (attempt ${this.attempts})`)
    this.delivered.push(message)
  }
}

let queueRedis: TestRedis
let prefixCount = 0
before(async () => {
  queueRedis = await startRedis({ private: true })
})
after(async () => {
  await queueRedis.stop()
})

/** Each test gets its own BullMQ prefix on the file's Redis, so tests never see each other's jobs. */
function options(overrides: Partial<BullMqOptions> = {}): BullMqOptions {
  prefixCount += 1
  return { url: queueRedis.url, prefix: `t${prefixCount}`, queue: 'broadcasts', concurrency: 2, lockDurationMs: 30000, stalledIntervalMs: 30000, ...overrides }
}

describe('bullmq queue', () => {
  test('a broadcast survives a Pusher outage: the dispatch succeeds, retries fail, it is delivered once Pusher is back', async (t) => {
    const pusher = await startPusherHttpRecorder()
    t.after(() => pusher.close())
    let down = true
    pusher.reply = () => (down ? { status: 503, body: 'Service Unavailable' } : { status: 200, body: '{}' })
    const driver = new PusherBroadcaster({ appId: '1', key: 'k', secret: 's', host: pusher.host, port: pusher.port, scheme: 'http', timeoutMs: 1000, maxPayloadSize: 10240 })

    const logger = recordingLogger()
    const opts = options()
    const queue = new BullMqQueue(opts)
    const broadcasting = new Broadcasting({ default: 'pusher', connections: { pusher: driver }, queues: { default: 'bullmq', connections: { bullmq: queue } } })
    t.after(() => broadcasting.close())
    const worker = await BullMqWorker.start(opts, (job) => broadcasting.deliver(job), { logger })
    t.after(() => worker.close())

    // The web request's dispatch succeeds although Pusher is down: the job is only stored.
    await broadcasting.event(new OrderShipped(7, 100, 0.05))
    await waitFor(() => logger.lines.filter((l) => l.level === 'warn' && l.msg?.includes('will retry')).length >= 2, { what: 'failed attempts while Pusher is down', timeoutMs: 10000 })
    const failedAttempts = pusher.requests.length
    assert.ok(failedAttempts >= 2)

    down = false
    await waitFor(() => pusher.requests.length > failedAttempts, { what: 'the broadcast after Pusher returned', timeoutMs: 15000 })
    // Nothing left to deliver: not waiting, delayed, active or failed, so it cannot arrive twice.
    await waitFor(async () => {
      const c = await queue.counts()
      return c.waiting === 0 && c.delayed === 0 && c.active === 0 && c.failed === 0
    }, { what: 'an empty queue' })
    const delivered = pusher.requests.slice(failedAttempts)
    assert.equal(delivered.length, 1)
    assert.deepEqual(delivered[0]?.json, { name: 'OrderShipped', channels: ['private-orders.7'], data: JSON.stringify({ orderId: 7 }) })
    assert.equal(logger.lines.filter((l) => l.level === 'error').length, 0)
  })

  test('a killed worker\'s job is taken over by another worker (stalled-job detection)', async (t) => {
    const opts = options({ lockDurationMs: 500, stalledIntervalMs: 300 })
    const fixture = fileURLToPath(new URL('./fixtures/hanging-worker.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, opts.url, opts.prefix, opts.queue], { stdio: ['ignore', 'pipe', 'inherit'] })
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor(() => output.includes('ready'), { what: 'the child worker to start', timeoutMs: 20000 })

    const queue = new BullMqQueue(opts)
    const port = new FlakyPort(0)
    const broadcasting = new Broadcasting({ default: 'main', connections: { main: port }, queues: { default: 'q', connections: { q: queue } } })
    t.after(() => broadcasting.close())
    await broadcasting.event(new OrderShipped(1))
    await waitFor(() => output.includes('took OrderShipped'), { what: 'the child worker to take the job', timeoutMs: 10000 })

    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
    const worker = await BullMqWorker.start(opts, (job) => broadcasting.deliver(job))
    t.after(() => worker.close())
    await waitFor(() => port.delivered.length === 1, { what: 'the surviving worker to deliver the stalled job', timeoutMs: 15000 })
    assert.deepEqual(port.delivered[0], { channels: ['private-orders.1'], event: 'OrderShipped', payload: { orderId: 1 } })
    await waitFor(async () => (await queue.counts()).active === 0, { what: 'no job left active' })
    assert.equal(port.delivered.length, 1)
  })

  test('tries exhausted: the job fails, is logged as an error, is inspectable, and nothing is delivered', async (t) => {
    const logger = recordingLogger()
    const opts = options()
    const queue = new BullMqQueue(opts)
    const deadPort = await freePort()
    const driver = new RedisBroadcaster({ url: `redis://127.0.0.1:${deadPort}`, prefix: '', timeoutMs: 200 })
    const broadcasting = new Broadcasting({ default: 'redis', connections: { redis: driver }, queues: { default: 'bullmq', connections: { bullmq: queue } } })
    t.after(() => broadcasting.close())
    const worker = await BullMqWorker.start(opts, (job) => broadcasting.deliver(job), { logger })
    t.after(() => worker.close())

    await broadcasting.event(new OrderShipped(3, 3, [0.01, 0.02]))
    const [failed] = await waitFor(async () => {
      const list = await queue.failed()
      return list.length > 0 ? list : undefined
    }, { what: 'the job in the failed set', timeoutMs: 15000 })
    assert.equal(failed?.attempts, 3)
    assert.match(failed?.reason ?? '', /redis/i)
    assert.deepEqual(failed?.job?.message, { channels: ['private-orders.3'], event: 'OrderShipped', payload: { orderId: 3 } })
    assert.ok(failed?.failedAt instanceof Date)
    await waitFor(() => logger.lines.some((l) => l.level === 'error'), { what: 'the error log line' })
    const errors = logger.lines.filter((l) => l.level === 'error')
    assert.equal(errors.length, 1)
    assert.match(errors[0]?.msg ?? '', /tries exhausted/)
    assert.equal(errors[0]?.obj.event, 'OrderShipped')
    assert.equal(logger.lines.filter((l) => l.level === 'warn' && l.msg?.includes('will retry')).length, 2)
  })

  test('a driver that fails once is retried and delivers exactly once', async (t) => {
    const opts = options()
    const queue = new BullMqQueue(opts)
    const port = new FlakyPort(1)
    const broadcasting = new Broadcasting({ default: 'main', connections: { main: port }, queues: { default: 'q', connections: { q: queue } } })
    t.after(() => broadcasting.close())
    const worker = await BullMqWorker.start(opts, (job) => broadcasting.deliver(job))
    t.after(() => worker.close())
    await broadcasting.event(new OrderShipped(4, 3, 0))
    await waitFor(() => port.delivered.length === 1, { what: 'the retried delivery' })
    await waitFor(async () => {
      const c = await queue.counts()
      return c.waiting === 0 && c.delayed === 0 && c.active === 0
    }, { what: 'an empty queue' })
    assert.equal(port.attempts, 2)
    assert.equal(port.delivered.length, 1)
  })

  test('a job that is not a broadcast job fails at once, without retries', async (t) => {
    const opts = options()
    const queue = new BullMqQueue(opts)
    t.after(() => queue.close())
    const port = new FlakyPort(0)
    const worker = await BullMqWorker.start(opts, async (job) => port.broadcast(job.message))
    t.after(() => worker.close())
    const { Queue } = await import('bullmq')
    const raw = new Queue(opts.queue, { connection: { url: opts.url }, prefix: opts.prefix })
    t.after(() => raw.close())
    await raw.add('junk', { v: 2 }, { attempts: 5 })
    const [failed] = await waitFor(async () => {
      const list = await queue.failed()
      return list.length > 0 ? list : undefined
    }, { what: 'the junk job to fail' })
    assert.equal(failed?.job, null)
    assert.equal(failed?.attempts, 1)
    assert.match(failed?.reason ?? '', /must be 1/)
    assert.equal(port.attempts, 0)
  })
})
