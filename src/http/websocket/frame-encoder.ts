import { textFrame } from './text-frame.js'

/**
 * Fan-out sends the same frame string to every subscriber of a channel in a row. `ws` would encode a string to
 * UTF-8 and build a frame header once per socket; this one-entry cache does both once per frame. Identity of the
 * string reference makes the hit check cheap. One per server (a {@link ConnectionHandler}'s sockets share it).
 */
export class FrameEncoder {
  #lastFrame: string | undefined
  #lastPayload: Buffer = Buffer.alloc(0)
  #lastWireFrame: Buffer | undefined

  /** `frame` as UTF-8. */
  payload(frame: string): Buffer {
    if (frame !== this.#lastFrame) {
      this.#lastPayload = Buffer.from(frame, 'utf8')
      this.#lastWireFrame = undefined
      this.#lastFrame = frame
    }
    return this.#lastPayload
  }

  /** `frame` as one complete WebSocket text frame (header and payload), ready for the TCP socket. */
  wireFrame(frame: string): Buffer {
    const payload = this.payload(frame)
    this.#lastWireFrame ??= textFrame(payload)
    return this.#lastWireFrame
  }
}
