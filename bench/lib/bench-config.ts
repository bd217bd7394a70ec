/** The one app every bench server is started with; the secret only protects loopback traffic. */
export const BenchApp = { id: 'bench', key: 'bench-key', secret: 'bench-secret' } as const

/** The public channel fan-out and latency scenarios use. */
export const BenchChannel = 'bench'

/** The event name the publisher sends. */
export const BenchEvent = 'bench'

/** The presence channel of the churn scenario. */
export const PresenceChannel = 'presence-bench'

/** Microseconds on CLOCK_MONOTONIC: comparable across processes of the same machine (unlike performance.now()). */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

/** A 100-byte-ish event payload carrying its sequence number and publish time, serialised once by the publisher. */
export function benchPayload(seq: number, padding = 48): string {
  return `{"seq":${seq},"ts":${nowMicros()},"pad":"${'x'.repeat(padding)}"}`
}

const seqPattern = /seq\\?":(\d+)/
const tsPattern = /ts\\?":(\d+)/

/** Extracts `seq` and `ts` from a raw frame (Pusher frames double-encode data, hence the optional backslash). */
export function readSeqAndTs(frame: string): { seq: number; ts: number } | undefined {
  const s = seqPattern.exec(frame)
  const t = tsPattern.exec(frame)
  if (s === null || t === null) return undefined
  return { seq: Number(s[1]), ts: Number(t[1]) }
}

const seqMark = Buffer.from('seq\\":')
const tsMark = Buffer.from('ts\\":')

function digitsAt(buf: Buffer, from: number): number {
  let n = 0
  for (let i = from; i < buf.length; i++) {
    const c = buf[i] as number
    if (c < 48 || c > 57) break
    n = n * 10 + (c - 48)
  }
  return n
}

/**
 * The same as {@link readSeqAndTs} on the raw bytes of a Pusher frame (double-encoded data), without decoding it
 * to a string: the client processes receive tens of thousands of frames a second and must not be the bottleneck.
 */
export function readSeqAndTsFromPusherFrame(buf: Buffer): { seq: number; ts: number } | undefined {
  const s = buf.indexOf(seqMark)
  if (s < 0) return undefined
  const t = buf.indexOf(tsMark, s)
  if (t < 0) return undefined
  return { seq: digitsAt(buf, s + seqMark.length), ts: digitsAt(buf, t + tsMark.length) }
}
