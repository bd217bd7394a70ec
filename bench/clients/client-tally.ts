import { createHistogram, recordMicros } from '../lib/histogram.js'
import { nowMicros, readSeqAndTs, readSeqAndTsFromPusherFrame } from '../lib/bench-config.js'
import type { ClientCommand, ClientEvent, ClientReport } from './client-messages.js'

/** Which recent sequence numbers a socket has seen. */
export interface SeenWindow {
  highest: number
  mask: number
}

export function newSeenWindow(): SeenWindow {
  return { highest: -1, mask: 0 }
}

/**
 * What every client process counts, shared by the Pusher-protocol and socket.io clients: deliveries (per-socket
 * sequence tracking for duplicates), publish→receive latency, presence member events; and the IPC plumbing.
 */
export class ClientTally {
  deliveries = 0
  duplicates = 0
  memberAdded = 0
  memberRemoved = 0
  closedByServer = 0
  latency = createHistogram()
  memberAddedLatency = createHistogram()
  #lastReported = -1

  /**
   * Counts one bench event frame received by a socket. Concurrent publishes may arrive reordered, so duplicates are
   * found with a sliding 32-event window per socket (the anti-replay bitmap of IPsec), not by "seq ≤ last".
   */
  onEvent(frame: string | Buffer | { seq: number; ts: number }, seen: SeenWindow): void {
    const now = nowMicros()
    // Echo's socket.io protocol hands over the event data already parsed (an object with seq and ts).
    const parsed = typeof frame === 'string' ? readSeqAndTs(frame) : Buffer.isBuffer(frame) ? readSeqAndTsFromPusherFrame(frame) : frame
    if (parsed === undefined) return
    this.deliveries++
    recordMicros(this.latency, now - parsed.ts)
    const s = parsed.seq
    if (s > seen.highest) {
      const shift = s - seen.highest
      seen.mask = seen.highest < 0 || shift >= 32 ? 1 : ((seen.mask << shift) | 1) >>> 0
      seen.highest = s
      return
    }
    const bit = 1 << (seen.highest - s)
    if (seen.highest - s >= 32) return // older than the window: cannot tell, and cannot happen with ≤ 4 publishes in flight
    if ((seen.mask & bit) !== 0) this.duplicates++
    else seen.mask = (seen.mask | bit) >>> 0
  }

  reset(): void {
    this.deliveries = this.duplicates = this.memberAdded = this.memberRemoved = this.closedByServer = 0
    this.latency = createHistogram()
    this.memberAddedLatency = createHistogram()
    this.#lastReported = -1
  }

  report(): ClientReport {
    return {
      type: 'report',
      deliveries: this.deliveries,
      duplicates: this.duplicates,
      latency: this.latency,
      memberAdded: this.memberAdded,
      memberRemoved: this.memberRemoved,
      memberAddedLatency: this.memberAddedLatency,
      closedByServer: this.closedByServer,
    }
  }

  /** Progress for the parent's flow control, only when it changed. */
  progress(): void {
    if (this.deliveries === this.#lastReported) return
    this.#lastReported = this.deliveries
    send({ type: 'progress', deliveries: this.deliveries })
  }
}

export function send(event: ClientEvent): void {
  process.send?.(event)
}

/** Wires IPC: commands to `handle`, exit when the parent goes away, errors reported as `fatal`. */
export function serveCommands(handle: (command: ClientCommand) => Promise<void> | void): void {
  process.on('disconnect', () => process.exit(0))
  process.on('message', (command: ClientCommand) => {
    Promise.resolve(handle(command)).catch((err: unknown) => send({ type: 'fatal', error: err instanceof Error ? err.stack ?? err.message : String(err) }))
  })
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
}
