/** What {@link FrameTracker.feed} found in a chunk. */
export type FeedResult = 'ok' | 'too-large'

const FIN = 0x80
const OPCODE = 0x0f
const MASK = 0x80
const LENGTH = 0x7f
const LENGTH_16 = 126
const LENGTH_64 = 127
const FIRST_CONTROL_OPCODE = 0x08
const MAX_HEADER = 14
const TWO_POW_32 = 2 ** 32

/**
 * Follows the frame boundaries of one client-to-server WebSocket byte stream (RFC 6455 §5.2) by reading
 * headers only: payload bytes are counted and skipped, never kept. It tells, as the bytes arrive, whether a
 * data message (all its fragments) declares more than `maxMessageBytes`, and whether the stream is in the
 * middle of a frame or of a fragmented message. Validation of the frames themselves stays with `ws`.
 */
export class FrameTracker {
  readonly #maxMessageBytes: number
  // From the shared pool: a connection holds a 14-byte view, not an allocation of its own.
  readonly #header = Buffer.allocUnsafe(MAX_HEADER)
  #headerLength = 0
  #payloadLeft = 0
  /** Opcode of the frame whose payload is being skipped. */
  #opcode = 0
  #fin = true
  /** Payload bytes of the data message so far, fragments included. */
  #messageBytes = 0
  #inFragmentedMessage = false

  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes
  }

  /** True while a frame, or a fragmented message, has started and not ended. */
  get midFrame(): boolean {
    return this.#headerLength > 0 || this.#payloadLeft > 0 || this.#inFragmentedMessage
  }

  /** Reads the next chunk of the stream. After `'too-large'` the tracker is spent: the connection must go. */
  feed(chunk: Uint8Array): FeedResult {
    let i = 0
    while (i < chunk.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, chunk.length - i)
        this.#payloadLeft -= n
        i += n
        if (this.#payloadLeft === 0) this.#frameEnded()
        continue
      }
      this.#header[this.#headerLength++] = chunk[i++] ?? 0
      if (this.#headerLength < this.#headerSize()) continue
      if (this.#headerComplete() === 'too-large') return 'too-large'
    }
    return 'ok'
  }

  /** Bytes the header being read needs: 2, then the extended length and the mask key once byte 2 is known. */
  #headerSize(): number {
    if (this.#headerLength < 2) return 2
    const second = this.#header[1] ?? 0
    const lengthCode = second & LENGTH
    const extended = lengthCode === LENGTH_16 ? 2 : lengthCode === LENGTH_64 ? 8 : 0
    return 2 + extended + ((second & MASK) !== 0 ? 4 : 0)
  }

  #headerComplete(): FeedResult {
    const first = this.#header[0] ?? 0
    const lengthCode = (this.#header[1] ?? 0) & LENGTH
    let length = lengthCode
    if (lengthCode === LENGTH_16) length = this.#header.readUInt16BE(2)
    else if (lengthCode === LENGTH_64) length = this.#header.readUInt32BE(2) * TWO_POW_32 + this.#header.readUInt32BE(6)
    this.#headerLength = 0
    this.#opcode = first & OPCODE
    this.#fin = (first & FIN) !== 0
    // Control frames (close, ping, pong) sit between fragments and are at most 125 bytes (ws enforces that).
    if (this.#opcode < FIRST_CONTROL_OPCODE) {
      this.#messageBytes += length
      if (this.#messageBytes > this.#maxMessageBytes) return 'too-large'
    }
    this.#payloadLeft = length
    if (length === 0) this.#frameEnded()
    return 'ok'
  }

  #frameEnded(): void {
    if (this.#opcode >= FIRST_CONTROL_OPCODE) return
    if (this.#fin) {
      this.#messageBytes = 0
      this.#inFragmentedMessage = false
    } else {
      this.#inFragmentedMessage = true
    }
  }
}
