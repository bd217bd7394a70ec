import { fileURLToPath } from 'node:url'
import type { ClientCommand, ClientEvent, ClientReport } from '../clients/client-messages.js'
import { createHistogram, mergeHistograms, type HistogramData } from './histogram.js'
import { delay, spawnTracked, tsNodeArgs, withTimeout, type TrackedProcess } from './processes.js'

/** Which client implementation speaks to a target. */
export type ClientKind = 'pusher' | 'socketio' | 'socketio-echo'

/** At most this many sockets per client process (keeps each process's loop and fd count modest). */
export const MaxSocketsPerProcess = 2500

const clientScripts: Record<ClientKind, string> = {
  pusher: fileURLToPath(new URL('../clients/pusher-clients.ts', import.meta.url)),
  socketio: fileURLToPath(new URL('../clients/socketio-clients.ts', import.meta.url)),
  'socketio-echo': fileURLToPath(new URL('../clients/socketio-clients.ts', import.meta.url)),
}

/** Arguments of a client script: the socket.io clients speak Echo's protocol to Herald's Socket.IO endpoint. */
const clientArgs: Record<ClientKind, string[]> = { pusher: [], socketio: [], 'socketio-echo': ['--echo'] }

/** One client process and the events it sent that nobody has consumed yet. */
class ClientProcess {
  readonly proc: TrackedProcess
  deliveries = 0
  #waiting = new Map<string, (event: ClientEvent) => void>()
  #fatal: string | undefined

  constructor(kind: ClientKind, label: string) {
    this.proc = spawnTracked(process.execPath, [...tsNodeArgs(['--max-old-space-size=1024']), clientScripts[kind], ...clientArgs[kind]], { label })
    this.proc.child.on('message', (event: ClientEvent) => {
      if (event.type === 'progress') this.deliveries = event.deliveries
      else if (event.type === 'fatal') this.#fatal = event.error
      const waiter = this.#waiting.get(event.type)
      if (waiter !== undefined) {
        this.#waiting.delete(event.type)
        waiter(event)
      }
    })
  }

  send(command: ClientCommand): void {
    if (this.#fatal !== undefined) throw new Error(`${this.proc.label} failed: ${this.#fatal}`)
    this.proc.child.send(command)
  }

  async request<T extends ClientEvent['type']>(command: ClientCommand, reply: T, timeoutMs: number): Promise<Extract<ClientEvent, { type: T }>> {
    const answered = new Promise<ClientEvent>((resolve, reject) => {
      this.#waiting.set(reply, resolve)
      this.proc.exited.then((code) => reject(new Error(`${this.proc.label} exited (${code}) while waiting for '${reply}'\n${this.#fatal ?? this.proc.recentOutput()}`)), reject)
    })
    this.send(command)
    return (await withTimeout(answered, timeoutMs, `${this.proc.label} to answer '${command.type}' with '${reply}'`)) as Extract<ClientEvent, { type: T }>
  }
}

/** Result of connecting a group of subscribers. */
export interface ConnectResult {
  ok: number
  failed: number
  ms: number
  firstError: string | undefined
}

/** Aggregate of every client process's report. */
export interface PoolReport extends Omit<ClientReport, 'type'> {}

/**
 * The load generators: subscribers spread over client processes of ≤ 2 500 sockets each, all separate from the
 * server and from this runner.
 */
export class ClientPool {
  readonly #processes: ClientProcess[] = []
  readonly #kind: ClientKind

  constructor(kind: ClientKind) {
    this.#kind = kind
  }

  /**
   * Connects `count` subscribers to `channel`, spread over enough processes; `presenceUserPrefix` signs presence.
   * With several URLs (a cluster), every process splits its share evenly over them, so the client side (number of
   * processes, sockets per process) is the same as for one server and only the servers differ.
   */
  async connect(url: string | readonly string[], channel: string, count: number, options: { presenceUserPrefix?: string; concurrency?: number; timeoutMs?: number } = {}): Promise<ConnectResult> {
    const urls = typeof url === 'string' ? [url] : url
    // At least two processes for bigger groups, so clients can use both cores of a small machine.
    const processes = Math.max(count >= 500 ? 2 : 1, Math.ceil(count / MaxSocketsPerProcess))
    const base = this.#processes.length
    for (let i = 0; i < processes; i++) this.#processes.push(new ClientProcess(this.#kind, `${this.#kind}-clients-${base + i}`))
    const started = performance.now()
    const results = await Promise.all(
      this.#processes.slice(base).map(async (p, i) => {
        const share = Math.floor(count / processes) + (i < count % processes ? 1 : 0)
        const prefix = options.presenceUserPrefix === undefined ? {} : { presenceUserPrefix: `${options.presenceUserPrefix}${base + i}-` }
        const parts: Array<Extract<ClientEvent, { type: 'connected' }>> = []
        for (const [u, target] of urls.entries()) {
          const part = Math.floor(share / urls.length) + (u < share % urls.length ? 1 : 0)
          parts.push(await p.request({ type: 'connect', url: target, channel, count: part, concurrency: options.concurrency ?? 50, ...prefix }, 'connected', options.timeoutMs ?? 120_000))
        }
        return { ok: parts.reduce((n, r) => n + r.ok, 0), failed: parts.reduce((n, r) => n + r.failed, 0), firstError: parts.find((r) => r.firstError !== undefined)?.firstError }
      }),
    )
    return {
      ok: results.reduce((n, r) => n + r.ok, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      ms: performance.now() - started,
      firstError: results.find((r) => r.firstError !== undefined)?.firstError,
    }
  }

  /** Live delivery count (from progress messages, ≤ 20 ms old). */
  get deliveries(): number {
    return this.#processes.reduce((n, p) => n + p.deliveries, 0)
  }

  /** Zeroes every counter; resolves once each process confirmed (later progress messages are post-reset). */
  async reset(): Promise<void> {
    await Promise.all(this.#processes.map((p) => p.request({ type: 'reset' }, 'reset-done', 10_000)))
    for (const p of this.#processes) p.deliveries = 0
  }

  async report(): Promise<PoolReport> {
    const reports = await Promise.all(this.#processes.map((p) => p.request({ type: 'report' }, 'report', 30_000)))
    const total: PoolReport = { deliveries: 0, duplicates: 0, latency: createHistogram(), memberAdded: 0, memberRemoved: 0, memberAddedLatency: createHistogram(), closedByServer: 0 }
    for (const r of reports) {
      total.deliveries += r.deliveries
      total.duplicates += r.duplicates
      total.memberAdded += r.memberAdded
      total.memberRemoved += r.memberRemoved
      total.closedByServer += r.closedByServer
      mergeHistograms(total.latency, r.latency)
      mergeHistograms(total.memberAddedLatency, r.memberAddedLatency)
    }
    return total
  }

  /** Presence churn from a fresh process (pusher clients only). */
  async churn(command: Omit<Extract<ClientCommand, { type: 'churn' }>, 'type'>): Promise<{ joins: number; skipped: number; errors: number; succeededLatency: HistogramData; firstError: string | undefined }> {
    const p = new ClientProcess(this.#kind, `${this.#kind}-churn-${this.#processes.length}`)
    this.#processes.push(p)
    const r = await p.request({ type: 'churn', ...command }, 'churned', command.durationMs + command.holdMs + 60_000)
    return { joins: r.joins, skipped: r.skipped, errors: r.errors, succeededLatency: r.succeededLatency, firstError: r.firstError }
  }

  async close(): Promise<void> {
    for (const p of this.#processes) {
      if (p.proc.alive) p.proc.child.send({ type: 'close' } satisfies ClientCommand)
    }
    // A moment to send close frames, then make sure.
    await Promise.all(this.#processes.map((p) => Promise.race([p.proc.exited, delay(1500)]).then(() => p.proc.stop(2000))))
    this.#processes.length = 0
  }
}
