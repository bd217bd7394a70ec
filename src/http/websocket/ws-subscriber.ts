import type { WebSocket } from 'ws'
import type { Subscriber } from '../../domain/realtime/subscriber.js'
import { PusherCloseCode } from './close-codes.js'
import type { FrameEncoder } from './frame-encoder.js'
import type { Batched, WriteBatcher } from './write-batcher.js'

const OPEN = 1
const TEXT_FRAME = { binary: false, compress: false, fin: true } as const

/** What the sockets of one server share for writing; one per {@link ConnectionHandler}, never per process. */
export interface ServerWrites {
  readonly batcher: WriteBatcher
  readonly frames: FrameEncoder
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
export class WsSubscriber implements Subscriber, Batched {
  readonly socketId: string
  readonly #socket: WebSocket
  readonly #maxBufferedBytes: number
  readonly #transport: CorkableTransport | undefined
  readonly #batcher: WriteBatcher
  readonly #frames: FrameEncoder
  /** The turn of the last frame sent, to notice a second frame in the same turn. */
  #lastSendTurn = 0
  #corked = false

  /**
   * @param maxBufferedBytes past this many queued bytes the socket is closed (4100) instead of sent more.
   * @param writes the server's write batcher and frame cache.
   * @param transport the TCP socket under `socket`; with it, frames are written pre-framed, straight to it,
   *   and batched under load (write-batcher.ts). They are never compressed, which stays valid when a client
   *   negotiated per-message deflate (an uncompressed message has RSV1 clear).
   */
  constructor(socketId: string, socket: WebSocket, maxBufferedBytes: number, writes: ServerWrites, transport?: CorkableTransport) {
    this.socketId = socketId
    this.#socket = socket
    this.#maxBufferedBytes = maxBufferedBytes
    this.#batcher = writes.batcher
    this.#frames = writes.frames
    this.#transport = transport
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount
  }

  send(frame: string): void {
    // Sends to a socket that is already closing are dropped: the close event cleans up its subscriptions.
    if (this.#socket.readyState !== OPEN) return
    // Replies are bounded too (a client flooding pings without reading), not only fan-out.
    if (this.#socket.bufferedAmount > this.#maxBufferedBytes) {
      this.close(PusherCloseCode.OverCapacity, 'Over capacity: the client is not reading fast enough')
      return
    }
    const transport = this.#transport
    if (transport === undefined) {
      this.#socket.send(this.#frames.payload(frame), TEXT_FRAME)
      return
    }
    // A socket's first frame of a turn leaves at once, so a lone event gets no added latency. A second one in the
    // same turn, or any while the server is behind (events queued behind the fan-out), corks the socket, and the
    // batcher releases it soon after (write-batcher.ts). Corked bytes still count in bufferedAmount, so the bound
    // above holds while corked.
    const batcher = this.#batcher
    const turn = batcher.currentTurn()
    if (this.#corked) batcher.noteGathered()
    else if (turn === this.#lastSendTurn || batcher.holding) {
      if (turn === this.#lastSendTurn) batcher.noteGathered()
      this.#corked = true
      transport.cork()
      batcher.add(this)
    }
    this.#lastSendTurn = turn
    // The complete frame, built once per event, goes straight to the TCP socket: what ws.send would write,
    // minus its per-socket header and two-chunk write. Order with ws's own frames (pong, close) holds
    // because ws writes those synchronously too: its sender only queues while compressing, and Herald
    // never compresses. These bytes count in ws's bufferedAmount (it reads the socket's queue).
    if (!transport.destroyed) transport.write(this.#frames.wireFrame(frame))
    batcher.afterSend()
  }

  /** Lets the corked frames go (a socket destroyed meanwhile is left alone). */
  flush(): void {
    if (!this.#corked) return
    this.#corked = false
    if (this.#transport !== undefined && !this.#transport.destroyed) this.#transport.uncork()
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState !== OPEN) return
    // Corked frames go first, so the close frame follows them now rather than at the batch's release.
    this.flush()
    this.#socket.close(code, reason)
  }

  /** Drops the TCP connection without a closing handshake (shutdown deadline passed). */
  terminate(): void {
    this.#socket.terminate()
  }
}
