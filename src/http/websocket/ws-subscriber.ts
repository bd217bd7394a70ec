import type { WebSocket } from 'ws'
import type { Subscriber } from '../../domain/realtime/subscriber.js'
import { PusherCloseCode } from './close-codes.js'
import { textFrame } from './text-frame.js'
import { currentTurn, deferToEndOfTurn, isUnderLoad, noteGathered, type EndOfTurn } from './turn-write-batch.js'

const OPEN = 1
const TEXT_FRAME = { binary: false, compress: false, fin: true } as const

// Fan-out sends the same frame string to every subscriber of a channel in a row. `ws` would encode a
// string to UTF-8 and build a frame header once per socket; this one-entry cache does both once per
// frame. Identity of the string reference makes the hit check cheap.
let lastFrame: string | undefined
let lastPayload: Buffer = Buffer.alloc(0)
let lastWireFrame: Buffer | undefined

function encoded(frame: string): Buffer {
  if (frame !== lastFrame) {
    lastPayload = Buffer.from(frame, 'utf8')
    lastWireFrame = undefined
    lastFrame = frame
  }
  return lastPayload
}

function wireFrame(frame: string): Buffer {
  const payload = encoded(frame)
  lastWireFrame ??= textFrame(payload)
  return lastWireFrame
}

/** The TCP socket under a WebSocket, as far as direct writes and batching need it (a `net.Socket`). */
export interface CorkableTransport {
  write(chunk: Buffer): boolean
  cork(): void
  uncork(): void
  readonly destroyed: boolean
}

/**
 * Adapts a `ws` socket to the domain's {@link Subscriber}. Holds only the socket and its id:
 * no request, headers or closures survive the upgrade.
 */
export class WsSubscriber implements Subscriber, EndOfTurn {
  readonly socketId: string
  readonly #socket: WebSocket
  readonly #maxBufferedBytes: number
  readonly #transport: CorkableTransport | undefined
  /** The turn of the last frame sent, to notice a second frame in the same turn. */
  #lastSendTurn = 0
  #corked = false

  /**
   * @param maxBufferedBytes past this many queued bytes the socket is closed (4100) instead of sent more.
   * @param transport the TCP socket under `socket`; with it, frames are written pre-framed, straight to it,
   *   and frames after the first in one turn are batched. They are never compressed, which stays valid
   *   when a client negotiated per-message deflate (an uncompressed message has RSV1 clear).
   */
  constructor(socketId: string, socket: WebSocket, maxBufferedBytes: number, transport?: CorkableTransport) {
    this.socketId = socketId
    this.#socket = socket
    this.#maxBufferedBytes = maxBufferedBytes
    this.#transport = transport
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount
  }

  get isOpen(): boolean {
    return this.#socket.readyState === OPEN
  }

  send(frame: string): void {
    // Sends to a socket that is already closing are dropped: the close event cleans up its subscriptions.
    if (this.#socket.readyState !== OPEN) return
    // Replies are bounded too (a client flooding pings without reading), not only fan-out.
    if (this.#socket.bufferedAmount > this.#maxBufferedBytes) {
      this.close(PusherCloseCode.OverCapacity, 'Over capacity: the client is not reading fast enough')
      return
    }
    // The first frame of a turn leaves at once, so a lone event gets no added latency. From the second
    // one (from the first under load), the socket is corked and the rest leave together in one syscall
    // (turn-write-batch.ts). Corked bytes still count in bufferedAmount, so the bound above holds while corked.
    const turn = currentTurn()
    const again = turn === this.#lastSendTurn
    if (this.#corked || again) noteGathered()
    if ((again || isUnderLoad()) && !this.#corked && this.#transport !== undefined) {
      this.#corked = true
      this.#transport.cork()
      deferToEndOfTurn(this)
    }
    this.#lastSendTurn = turn
    if (this.#transport === undefined) this.#socket.send(encoded(frame), TEXT_FRAME)
    // The complete frame, built once per event, goes straight to the TCP socket: what ws.send would write,
    // minus its per-socket header and two-chunk write. Order with ws's own frames (pong, close) holds
    // because ws writes those synchronously too: its sender only queues while compressing, and Herald
    // never compresses. These bytes count in ws's bufferedAmount (it reads the socket's queue).
    else if (!this.#transport.destroyed) this.#transport.write(wireFrame(frame))
  }

  /** Lets the frames corked this turn go (a socket destroyed meanwhile is left alone). */
  endTurn(): void {
    if (!this.#corked) return
    this.#corked = false
    if (this.#transport !== undefined && !this.#transport.destroyed) this.#transport.uncork()
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState !== OPEN) return
    // Frames corked this turn go first, so the close frame follows them now rather than at the end of the turn.
    this.endTurn()
    this.#socket.close(code, reason)
  }

  /** Drops the TCP connection without a closing handshake (shutdown deadline passed). */
  terminate(): void {
    this.#socket.terminate()
  }
}
