/** FIN bit + opcode 1 (text): a whole, unfragmented text message. */
const FIN_TEXT = 0x81
const MAX_7_BIT = 125
const MAX_16_BIT = 0xffff

/**
 * One complete server-to-client WebSocket text frame (RFC 6455 §5.2: unmasked, no extension bits)
 * around `payload`, header and payload in one Buffer. Fan-out builds it once per event and writes the
 * same Buffer to every socket, instead of a header allocation and a two-chunk write per socket.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length
  const headerLength = length <= MAX_7_BIT ? 2 : length <= MAX_16_BIT ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + length)
  frame[0] = FIN_TEXT
  if (length <= MAX_7_BIT) frame[1] = length
  else if (length <= MAX_16_BIT) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  payload.copy(frame, headerLength)
  return frame
}
