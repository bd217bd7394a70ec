/**
 * Bench-only prototype of the two fan-out levers, applied to Herald WITHOUT touching src/: preloaded (`--import`)
 * into `herald serve` by the opt-in targets herald-prefr-proto and herald-batch-proto, it wraps `ws`'s
 * `WebSocket#send` (the same CommonJS instance @fastify/websocket uses) for server-side text Buffers:
 *
 * - BENCH_HERALD_PATCH=frame: the full WebSocket frame (header + payload) is built once per payload Buffer (Herald
 *   already hands every subscriber the same Buffer) and written as one chunk through ws's sender.
 * - BENCH_HERALD_PATCH=batch: the same, plus each socket is corked at its first frame of an event-loop turn and
 *   uncorked in setImmediate, so events published in the same turn leave in one syscall per socket.
 * - BENCH_HERALD_PATCH=adaptive: the first frame a socket gets in a turn is written at once (no added latency for
 *   a lone event); only a second frame in the same turn corks the socket until setImmediate.
 *
 * Anything else (compression, callbacks, a busy sender queue, client sockets) goes through the original send.
 * This is evidence for the lead, not a proposal to monkey-patch ws in Herald.
 */
import { createRequire } from 'node:module'
import type { Socket } from 'node:net'

interface SenderInternals {
  _state: number
  _queue: unknown[]
  sendFrame(list: Buffer[], cb?: () => void): void
}
interface WsInternals {
  _isServer: boolean
  _socket: Socket
  _sender: SenderInternals
  _extensions: Record<string, unknown>
  readyState: number
}
type Send = (this: WsInternals, data: unknown, options?: unknown, cb?: unknown) => void

const require = createRequire(import.meta.url)
const ws = require('ws') as { prototype: { send: Send }; Sender: { frame(data: Buffer, options: object): Buffer[] } }
const mode = process.env['BENCH_HERALD_PATCH']
if (mode !== 'frame' && mode !== 'batch' && mode !== 'adaptive') throw new Error(`herald-send-patch: BENCH_HERALD_PATCH must be 'frame', 'batch' or 'adaptive', got '${mode}'`)

const originalSend = ws.prototype.send
const OPEN = 1
const SENDER_IDLE = 0
let lastPayload: Buffer | undefined
let lastFrame: Buffer = Buffer.alloc(0)
const corked = new Set<Socket>()
const sentThisTurn = new Set<Socket>()
let flushScheduled = false

function uncorkAll(): void {
  for (const socket of corked) socket.uncork()
  corked.clear()
  sentThisTurn.clear()
  flushScheduled = false
}

function cork(socket: Socket): void {
  if (!flushScheduled) {
    flushScheduled = true
    setImmediate(uncorkAll)
  }
  corked.add(socket)
  socket.cork()
}

ws.prototype.send = function patchedSend(this: WsInternals, data: unknown, options?: unknown, cb?: unknown): void {
  const text = typeof options === 'object' && options !== null && (options as { binary?: boolean }).binary === false
  const plain = this._isServer && this.readyState === OPEN && cb === undefined && text && Buffer.isBuffer(data)
  if (!plain || this._extensions['permessage-deflate'] !== undefined || this._sender._state !== SENDER_IDLE || this._sender._queue.length > 0) {
    return originalSend.call(this, data, options, cb)
  }
  if (data !== lastPayload) {
    lastFrame = Buffer.concat(ws.Sender.frame(data as Buffer, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }))
    lastPayload = data as Buffer
  }
  const socket = this._socket
  if (mode === 'batch' && !corked.has(socket)) cork(socket)
  else if (mode === 'adaptive' && !corked.has(socket)) {
    if (sentThisTurn.has(socket)) cork(socket)
    else {
      sentThisTurn.add(socket)
      if (!flushScheduled) {
        flushScheduled = true
        setImmediate(uncorkAll)
      }
    }
  }
  this._sender.sendFrame([lastFrame])
}
