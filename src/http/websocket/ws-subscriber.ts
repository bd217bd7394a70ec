import type { WebSocket } from 'ws'
import type { Subscriber } from '../../domain/realtime/subscriber.js'
import { PusherCloseCode } from './close-codes.js'

const OPEN = 1
const TEXT_FRAME = { binary: false, compress: false, fin: true } as const

// Fan-out sends the same frame string to every subscriber of a channel in a row. `ws` would encode a
// string to UTF-8 once per socket; this one-entry cache makes it once per frame. Identity of the
// string reference makes the hit check cheap.
let lastFrame: string | undefined
let lastBytes: Buffer = Buffer.alloc(0)

function encoded(frame: string): Buffer {
  if (frame !== lastFrame) {
    lastBytes = Buffer.from(frame, 'utf8')
    lastFrame = frame
  }
  return lastBytes
}

/**
 * Adapts a `ws` socket to the domain's {@link Subscriber}. Holds only the socket and its id:
 * no request, headers or closures survive the upgrade.
 */
export class WsSubscriber implements Subscriber {
  readonly socketId: string
  readonly #socket: WebSocket
  readonly #maxBufferedBytes: number

  /** @param maxBufferedBytes past this many queued bytes the socket is closed (4100) instead of sent more. */
  constructor(socketId: string, socket: WebSocket, maxBufferedBytes: number) {
    this.socketId = socketId
    this.#socket = socket
    this.#maxBufferedBytes = maxBufferedBytes
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
      this.#socket.close(PusherCloseCode.OverCapacity, 'Over capacity: the client is not reading fast enough')
      return
    }
    this.#socket.send(encoded(frame), TEXT_FRAME)
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === OPEN) this.#socket.close(code, reason)
  }

  /** Drops the TCP connection without a closing handshake (shutdown deadline passed). */
  terminate(): void {
    this.#socket.terminate()
  }
}
