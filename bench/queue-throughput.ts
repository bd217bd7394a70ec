// The queued path's cost: broadcasts/s through BullMQ to the `local` driver, and the latency it adds
// over `sync`. One process: the app (dispatching), a worker and the hub with one subscriber; a private
// redis-server. Run: node --import tsx bench/queue-throughput.ts [--events 5000] [--latency 500] [--concurrency 10]
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { LocalBroadcaster } from '../src/adapters/local/local-broadcaster.js'
import { BullMqQueue } from '../src/adapters/queue/bullmq-queue.js'
import { BullMqWorker } from '../src/adapters/queue/bullmq-worker.js'
import type { BullMqOptions } from '../src/adapters/queue/bullmq-options.js'
import { Broadcasting } from '../src/domain/broadcasting/broadcasting.js'
import { BroadcastEvent } from '../src/domain/events/broadcast-event.js'
import { LocalRealtimeHub } from '../src/domain/realtime/local-realtime-hub.js'
import type { Subscriber } from '../src/domain/realtime/subscriber.js'
import { startRedis } from './lib/redis.js'

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000' }, latency: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '10' } } })
const EVENTS = Number(values.events)
const LATENCY_SAMPLES = Number(values.latency)
const CONCURRENCY = Number(values.concurrency)

class Tick extends BroadcastEvent {
  readonly seq: number
  constructor(seq: number) {
    super()
    this.seq = seq
  }
  broadcastOn() {
    return 'ticks'
  }
  override broadcastAs() {
    return 'Tick'
  }
}

/** The one subscriber: records when each sequence number arrived. */
const arrived = new Map<number, number>()
let onArrival: (() => void) | undefined
const subscriber: Subscriber = {
  socketId: '1.1',
  bufferedAmount: 0,
  send(frame: string) {
    const { data } = JSON.parse(frame) as { data: string }
    arrived.set((JSON.parse(data) as { seq: number }).seq, performance.now())
    onArrival?.()
  },
  close() {},
}
const hub = new LocalRealtimeHub()
hub.subscribe('app', 'ticks', subscriber)
const local = new LocalBroadcaster(hub, 'app')

function untilArrived(count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (arrived.size >= count) {
        onArrival = undefined
        resolve()
      }
    }
    onArrival = check
    check()
  })
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`
}

const redis = await startRedis()
try {
  const options = (prefix: string): BullMqOptions => ({ url: redis.url, prefix, queue: 'broadcasts', concurrency: CONCURRENCY, lockDurationMs: 30000, stalledIntervalMs: 30000 })

  // 1. sync: the dispatching call delivers.
  const sync = new Broadcasting({ default: 'local', connections: { local } })
  arrived.clear()
  let t0 = performance.now()
  for (let i = 0; i < EVENTS; i++) await sync.event(new Tick(i))
  const syncRate = EVENTS / ((performance.now() - t0) / 1000)

  // 2. bullmq: enqueue rate (the app's side), then the worker draining a backlog (the worker's side),
  //    then both at once (dispatch while the worker runs: end to end).
  const backlogQueue = new BullMqQueue(options(`bench-backlog-${process.pid}`))
  const queued = new Broadcasting({ default: 'local', connections: { local }, queues: { default: 'bullmq', connections: { bullmq: backlogQueue } } })
  arrived.clear()
  t0 = performance.now()
  for (let i = 0; i < EVENTS; i++) await queued.event(new Tick(i))
  const enqueueRate = EVENTS / ((performance.now() - t0) / 1000)
  t0 = performance.now()
  let worker = await BullMqWorker.start(options(`bench-backlog-${process.pid}`), (job) => queued.deliver(job))
  await untilArrived(EVENTS)
  const drainRate = EVENTS / ((performance.now() - t0) / 1000)
  await worker.close()
  await queued.close()

  const liveQueue = new BullMqQueue(options(`bench-live-${process.pid}`))
  const live = new Broadcasting({ default: 'local', connections: { local }, queues: { default: 'bullmq', connections: { bullmq: liveQueue } } })
  worker = await BullMqWorker.start(options(`bench-live-${process.pid}`), (job) => live.deliver(job))
  arrived.clear()
  t0 = performance.now()
  // The app dispatches from several concurrent requests (16 in flight), as a web server would.
  let next = 0
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < EVENTS) await live.event(new Tick(next++))
    }),
  )
  await untilArrived(EVENTS)
  const endToEndRate = EVENTS / ((performance.now() - t0) / 1000)

  // 3. latency, one event at a time: dispatch call → delivered to the subscriber, and how long the
  //    dispatching `await` took (what a web request pays).
  const measure = async (b: Broadcasting) => {
    const delivery: number[] = []
    const call: number[] = []
    arrived.clear()
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const start = performance.now()
      await b.event(new Tick(i))
      call.push(performance.now() - start)
      await untilArrived(i + 1)
      delivery.push((arrived.get(i) ?? Number.NaN) - start)
    }
    return { delivery: delivery.sort((a, b) => a - b), call: call.sort((a, b) => a - b) }
  }
  const syncLatency = await measure(sync)
  const queuedLatency = await measure(live)
  await worker.close()
  await live.close()

  const row = (name: string, l: { delivery: number[]; call: number[] }) =>
    `| ${name} | ${fmt(percentile(l.delivery, 50))} / ${fmt(percentile(l.delivery, 99))} | ${fmt(percentile(l.call, 50))} / ${fmt(percentile(l.call, 99))} |`
  console.log(`Queued broadcasts: ${EVENTS} events, ${LATENCY_SAMPLES} latency samples, worker concurrency ${CONCURRENCY}, Node ${process.versions.node}\n`)
  console.log('| path | broadcasts/s |')
  console.log('| --- | ---: |')
  console.log(`| sync (dispatch delivers to local) | ${syncRate.toFixed(0)} |`)
  console.log(`| bullmq: enqueue only (the app's side) | ${enqueueRate.toFixed(0)} |`)
  console.log(`| bullmq: worker draining a backlog to local | ${drainRate.toFixed(0)} |`)
  console.log(`| bullmq: end to end (16 concurrent dispatchers + worker) | ${endToEndRate.toFixed(0)} |`)
  console.log('\n| path | dispatch → delivered p50 / p99 | dispatching await p50 / p99 |')
  console.log('| --- | ---: | ---: |')
  console.log(row('sync', syncLatency))
  console.log(row('bullmq', queuedLatency))
  const added = percentile(queuedLatency.delivery, 50) - percentile(syncLatency.delivery, 50)
  console.log(`\nAdded latency of the queued path (p50): ${fmt(added)}`)
} finally {
  await redis.stop()
}
