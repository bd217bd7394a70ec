import { BenchChannel, BenchEvent, benchPayload } from './bench-config.js'
import type { ClientPool, PoolReport } from './client-pool.js'
import { delay } from './processes.js'
import { Publisher } from './publisher.js'
import type { ServerHandle } from './targets.js'

/** Publishes to the servers of a deployment in turn (one server: always that one). */
export class RoundRobinPublisher {
  readonly #publishers: Publisher[]
  #next = 0
  seq = 0

  constructor(servers: readonly ServerHandle[]) {
    this.#publishers = servers.map((s) => new Publisher('127.0.0.1', s.port))
  }

  /** Publishes the next bench event (sequence number and publish time inside). */
  publishNext(): Promise<void> {
    const publisher = this.#publishers[this.#next++ % this.#publishers.length] as Publisher
    return publisher.publish([BenchChannel], BenchEvent, benchPayload(this.seq++))
  }

  close(): void {
    for (const p of this.#publishers) p.close()
  }
}

export async function totalCpuMicros(servers: readonly ServerHandle[]): Promise<number> {
  return (await totalCounters(servers)).cpuMicros
}

/** Server CPU time and write syscalls summed over `servers` (writeSyscalls -1 when any server cannot tell). */
async function totalCounters(servers: readonly ServerHandle[]): Promise<{ cpuMicros: number; writeSyscalls: number }> {
  const stats = await Promise.all(servers.map((s) => s.stats()))
  const writes = stats.some((s) => !(s.writeSyscalls >= 0)) ? -1 : stats.reduce((n, s) => n + s.writeSyscalls, 0)
  return { cpuMicros: stats.reduce((n, s) => n + s.cpuMicros, 0), writeSyscalls: writes }
}

/** One measured window: what was published, what arrived, and what it cost the server(s). */
export interface Window {
  events: number
  expected: number
  report: PoolReport
  seconds: number
  serverCpuMicros: number
  /** Write-like syscalls the server(s) made in the window; undefined where the platform cannot tell. */
  serverWriteSyscalls: number | undefined
  publishErrors: number
  firstPublishError: string | undefined
}

interface WindowOptions {
  servers: readonly ServerHandle[]
  pool: ClientPool
  publisher: RoundRobinPublisher
  subscribers: number
  durationMs: number
  /** Fixed rate; undefined = as fast as the slowest part accepts, with at most `window` events not yet delivered. */
  ratePerSec?: number
  window?: number
  drainTimeoutMs?: number
}

/**
 * Publishes for `durationMs` and waits until every subscriber got every event (or the drain timeout), measuring
 * server CPU over exactly that span. Without a rate, flow control keeps ≤ `window` events in flight past the
 * slowest client, so nothing piles up in socket buffers and no server's slow-socket guard is tripped.
 */
export async function measureWindow(options: WindowOptions): Promise<Window> {
  const { servers, pool, publisher, subscribers, durationMs } = options
  const window = options.window ?? 16
  await pool.reset()
  const before = await totalCounters(servers)
  const firstSeq = publisher.seq
  let inFlight = 0
  let publishErrors = 0
  let firstPublishError: string | undefined
  const fire = (): void => {
    inFlight++
    publisher.publishNext().then(
      () => void inFlight--,
      (err: unknown) => {
        inFlight--
        publishErrors++
        firstPublishError ??= err instanceof Error ? err.message : String(err)
      },
    )
  }
  const started = performance.now()
  if (options.ratePerSec !== undefined) {
    const interval = 1000 / options.ratePerSec
    for (let i = 0; ; i++) {
      const due = started + i * interval
      if (due - started >= durationMs) break
      const wait = due - performance.now()
      if (wait > 1) await delay(wait)
      fire()
    }
  } else {
    while (performance.now() - started < durationMs) {
      const published = publisher.seq - firstSeq
      const deliveredEvents = Math.floor(pool.deliveries / subscribers)
      if (published - deliveredEvents < window && inFlight < 4) fire()
      else await delay(1)
    }
  }
  const events = publisher.seq - firstSeq
  const expected = events * subscribers
  const drainDeadline = performance.now() + (options.drainTimeoutMs ?? 10_000)
  while ((pool.deliveries < expected || inFlight > 0) && performance.now() < drainDeadline) await delay(5)
  const seconds = (performance.now() - started) / 1000
  const counters = await totalCounters(servers)
  const serverCpuMicros = counters.cpuMicros - before.cpuMicros
  const serverWriteSyscalls = counters.writeSyscalls < 0 || before.writeSyscalls < 0 ? undefined : counters.writeSyscalls - before.writeSyscalls
  const report = await pool.report()
  return { events: events - publishErrors, expected: (events - publishErrors) * subscribers, report, seconds, serverCpuMicros, serverWriteSyscalls, publishErrors, firstPublishError }
}
