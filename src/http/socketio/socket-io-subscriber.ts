import type { Socket } from 'socket.io'
import type { Subscriber } from '../../domain/realtime/subscriber.js'
import type { SocketIoFrameTranslator, SocketIoPacket } from './socket-io-packets.js'

/** Pusher close codes below this mean "do not reconnect" (4000–4099); the others ask the client to come back. */
const FIRST_RECONNECTING_CODE = 4100
/** Pusher's "over capacity": a slow consumer, whose queued packets are dropped rather than waited for. */
const OVER_CAPACITY = 4100

/** What engine.io's connection offers that Socket.IO's types do not name: its transport's `ws` socket. */
interface EngineTransport {
  readonly socket?: { readonly bufferedAmount: number }
}

/**
 * Adapts a Socket.IO socket to the domain's {@link Subscriber}: the hub's frames go through the shared translator
 * (one packet and WebSocket frame per event and channel) straight to engine.io, as socket.io's own room broadcasts
 * write them. Its socket id is the Socket.IO id (Herald mints it in Pusher's form), so `toOthers` just works.
 */
export class SocketIoSubscriber implements Subscriber {
  readonly socketId: string
  readonly #socket: Socket
  readonly #appId: string
  readonly #translator: SocketIoFrameTranslator
  /** Bytes handed to engine.io since its buffer last drained into the transport. */
  #queued = 0
  #closed = false

  constructor(socket: Socket, appId: string, translator: SocketIoFrameTranslator) {
    this.socketId = socket.id
    this.#socket = socket
    this.#appId = appId
    this.#translator = translator
    socket.conn.on('drain', () => {
      this.#queued = 0
    })
  }

  /** Bytes waiting in engine.io's buffer and under its WebSocket (polling: until the next poll). */
  get bufferedAmount(): number {
    return ((this.#socket.conn.transport as EngineTransport).socket?.bufferedAmount ?? 0) + this.#queued
  }

  send(frame: string): void {
    if (this.#closed) return
    this.write(this.#translator.packetFor(frame, this.#appId))
  }

  /** Writes a packet built by the translator (the same object for every socket it goes to). */
  write(packet: SocketIoPacket): void {
    if (this.#closed) return
    this.#queued += packet.text.length
    this.#socket.conn.write(packet.text, packet.options as object)
  }

  /**
   * Socket.IO has no close codes: "do not reconnect" codes (4009 terminated by the app) disconnect the socket, which
   * socket.io-client does not retry; the others (slow consumer, shutdown) close the transport, which it reconnects.
   */
  close(code: number, _reason: string): void {
    if (this.#closed) return
    this.#closed = true
    if (code < FIRST_RECONNECTING_CODE) this.#socket.disconnect(true)
    else this.#socket.conn.close(code === OVER_CAPACITY)
  }
}
