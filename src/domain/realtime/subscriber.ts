/**
 * A connection the realtime hub can send frames to. The WebSocket layer adapts a socket to it;
 * domain tests use plain objects. Nothing else about the transport leaks into the domain.
 */
export interface Subscriber {
  /** The connection's Pusher socket id (`digits.digits`), unique among live connections. */
  readonly socketId: string
  /** Bytes queued for this connection and not yet written; the hub closes slow consumers by it. */
  readonly bufferedAmount: number
  /** Queues one already-serialised text frame. Must not throw. */
  send(frame: string): void
  /** Closes the connection with a Pusher close code and a short reason. Must not throw. */
  close(code: number, reason: string): void
}
