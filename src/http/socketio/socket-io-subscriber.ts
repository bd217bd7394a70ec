import type { Socket } from 'socket.io'
import type { Subscriber } from '../../domain/realtime/subscriber.js'
import type { Batched, WriteBatcher } from '../websocket/write-batcher.js'
import type { CorkableTransport } from '../websocket/ws-subscriber.js'
import type { SocketIoFrameTranslator, SocketIoPacket } from './socket-io-packets.js'

/** Pusher close codes below this mean "do not reconnect" (4000–4099); the others ask the client to come back. */
const FIRST_RECONNECTING_CODE = 4100
/** Pusher's "over capacity": a slow consumer, whose queued packets are dropped rather than waited for. */
const OVER_CAPACITY = 4100
const WS_OPEN = 1

/** What engine.io's connection holds that Socket.IO's types do not name (read only, to decide how to write). */
interface EngineConnection {
  readonly readyState: string
  readonly upgrading: boolean
  readonly writeBuffer: readonly unknown[]
  readonly transport: { readonly name: string; readonly socket?: { readonly readyState: number; readonly bufferedAmount: number; readonly _socket?: CorkableTransport | null } }
}

/**
 * Adapts a Socket.IO socket to the domain's {@link Subscriber}: the hub's frames go through the shared translator
 * (one packet and WebSocket frame per event and channel). Its socket id is the Socket.IO id (Herald mints it in
 * Pusher's form), so `toOthers` just works.
 *
 * On an open WebSocket transport with nothing queued in engine.io, the frame goes straight to the TCP socket, and a
 * socket's frames of one event-loop turn leave together (the server's WriteBatcher), as the Pusher endpoint writes them.
 * Order holds: engine.io writes its own packets (pings, emits) synchronously through the same TCP socket, and while
 * it has packets queued (a write in flight, an upgrade, polling) frames are handed to it instead.
 */
export class SocketIoSubscriber implements Subscriber, Batched {
  readonly socketId: string
  readonly #socket: Socket
  readonly #appId: string
  readonly #translator: SocketIoFrameTranslator
  readonly #batcher: WriteBatcher
  /** Bytes handed to engine.io since its buffer last drained into the transport. */
  #queued = 0
  #closed = false
  #lastSendTurn = 0
  #corked: CorkableTransport | undefined

  constructor(socket: Socket, appId: string, translator: SocketIoFrameTranslator, batcher: WriteBatcher) {
    this.socketId = socket.id
    this.#batcher = batcher
    this.#socket = socket
    this.#appId = appId
    this.#translator = translator
    socket.conn.on('drain', () => {
      this.#queued = 0
    })
  }

  /** Bytes waiting in engine.io's buffer and under its WebSocket (polling: until the next poll). */
  get bufferedAmount(): number {
    return ((this.#socket.conn as unknown as EngineConnection).transport.socket?.bufferedAmount ?? 0) + this.#queued
  }

  send(frame: string): void {
    if (this.#closed) return
    this.write(this.#translator.packetFor(frame, this.#appId))
  }

  /** Writes a packet built by the translator (the same object for every socket it goes to). */
  write(packet: SocketIoPacket): void {
    if (this.#closed) return
    const tcp = this.#directTransport()
    if (tcp === undefined) {
      this.#queued += packet.text.length
      this.#socket.conn.write(packet.text, packet.options as object)
      return
    }
    // As WsSubscriber, on the same server's batcher: the first frame of a turn leaves at once; a second one in the
    // turn, or any while the server is behind, corks the socket until the batcher releases it.
    const batcher = this.#batcher
    const turn = batcher.currentTurn()
    const again = turn === this.#lastSendTurn
    if (this.#corked !== undefined) batcher.noteGathered()
    else if (again || batcher.holding) {
      if (again) batcher.noteGathered()
      this.#corked = tcp
      tcp.cork()
      batcher.add(this)
    }
    this.#lastSendTurn = turn
    for (const chunk of packet.options.wsPreEncodedFrame) tcp.write(chunk)
    batcher.afterSend()
  }

  /** Lets the corked frames go (a socket destroyed meanwhile is left alone). */
  flush(): void {
    const tcp = this.#corked
    this.#corked = undefined
    if (tcp !== undefined && !tcp.destroyed) tcp.uncork()
  }

  /**
   * Socket.IO has no close codes: "do not reconnect" codes (4009 terminated by the app) disconnect the socket, which
   * socket.io-client does not retry; the others (slow consumer, shutdown) close the transport, which it reconnects.
   */
  close(code: number, _reason: string): void {
    if (this.#closed) return
    this.#closed = true
    this.flush()
    if (code < FIRST_RECONNECTING_CODE) this.#socket.disconnect(true)
    else this.#socket.conn.close(code === OVER_CAPACITY)
  }

  /** The TCP socket under an open, idle WebSocket transport, or undefined when engine.io must do the writing. */
  #directTransport(): CorkableTransport | undefined {
    const conn = this.#socket.conn as unknown as EngineConnection
    if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer.length > 0 || conn.transport.name !== 'websocket') return undefined
    const ws = conn.transport.socket
    const tcp = ws?.readyState === WS_OPEN ? ws._socket : undefined
    return tcp === null || tcp === undefined || tcp.destroyed ? undefined : tcp
  }
}
