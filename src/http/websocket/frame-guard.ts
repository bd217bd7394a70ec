import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import { FrameTracker } from './frame-tracker.js'

/** RFC 6455 close codes used here. */
const MESSAGE_TOO_BIG = 1009
const POLICY_VIOLATION = 1008

/**
 * Bytes a client message may exceed its app's `maxMessageSize` by and still be read whole: such a frame gets
 * the friendly `pusher:error` and the connection stays. Anything bigger is refused as its header arrives.
 */
export const MESSAGE_SLACK_BYTES = 4096

/** After the close frame, how long a client gets to close its side before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000
const MAX_SWEEP_MS = 1000
const MIN_SWEEP_MS = 25

/** The largest message a connection of `app` may declare before it is closed with 1009. */
export function wsMessageLimit(app: Pick<HeraldApp, 'maxMessageSize'>): number {
  return app.maxMessageSize + MESSAGE_SLACK_BYTES
}

/** Options of {@link FrameGuards}. */
export interface FrameGuardsOptions {
  /** Longest a client may take to finish a frame (or fragmented message) it started, in ms. */
  readonly frameTimeoutMs: number
  readonly logger: LoggerPort
}

type DataListener = (this: Duplex, chunk: Buffer) => void

interface Watched {
  readonly tracker: FrameTracker
  /** The socket's own data listeners (ws's), fed only with chunks the guard let through. */
  readonly downstream: readonly DataListener[]
  readonly socket: WebSocket
  readonly transport: Duplex
  readonly limit: number
  /** When the unfinished frame started; 0 when none is. */
  since: number
}

/**
 * Bounds what a WebSocket client can make the server hold before it completes a message. It stands between
 * the TCP socket and `ws` (whose `maxPayload` is one value per server): every chunk passes through it first,
 * its frame headers are read, and a message declaring more than its app allows is closed with 1009 without
 * that chunk or any later byte reaching `ws`. A connection that has not completed a frame within
 * `frameTimeoutMs` is closed with 1008. Only public stream APIs are used: the socket's data listeners are
 * moved behind the guard.
 */
export class FrameGuards {
  readonly #timeoutMs: number
  readonly #logger: LoggerPort
  readonly #watched = new WeakMap<Duplex, Watched>()
  /** Only connections in the middle of a frame: the sweep never walks idle ones. */
  readonly #midFrame = new Set<Watched>()
  readonly #timer: NodeJS.Timeout
  readonly #onData: (this: Duplex, chunk: Buffer) => void
  readonly #onClose: (this: Duplex) => void
  #tooLarge = 0
  #stalled = 0

  constructor(options: FrameGuardsOptions) {
    this.#timeoutMs = options.frameTimeoutMs
    this.#logger = options.logger
    const sweepMs = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(options.frameTimeoutMs / 4)))
    this.#timer = setInterval(() => this.sweep(), sweepMs)
    this.#timer.unref()
    // One listener for every socket (`this` is the socket), so a connection holds no closure of its own.
    // oxlint-disable-next-line typescript/no-this-alias -- inside the listeners `this` is the socket
    const guards = this
    this.#onData = function onData(chunk) {
      const watched = guards.#watched.get(this)
      if (watched !== undefined) guards.#read(watched, chunk)
    }
    this.#onClose = function onClose() {
      guards.#forget(this)
    }
  }

  /** Connections closed because a message declared more than its app's limit. */
  get tooLargeClosed(): number {
    return this.#tooLarge
  }

  /** Connections closed because a frame was not completed in time. */
  get stalledClosed(): number {
    return this.#stalled
  }

  /**
   * Starts guarding an accepted connection; must run before its first data event (the upgrade's callback).
   * @param transport the TCP socket (or stream) under `socket`.
   */
  watch(socket: WebSocket, transport: Duplex, app: Pick<HeraldApp, 'maxMessageSize'>): void {
    const limit = wsMessageLimit(app)
    const downstream = transport.listeners('data') as DataListener[]
    // One by one: removeAllListeners(type) deletes the key, which turns the emitter's listener table into a
    // dictionary (~0.5 KiB more per connection); removeListener keeps it a fast object.
    for (const listener of downstream) transport.removeListener('data', listener)
    this.#watched.set(transport, { tracker: new FrameTracker(limit), downstream, socket, transport, limit, since: 0 })
    transport.on('data', this.#onData)
    // `on`, not `once`: a socket closes once, and once() would add a wrapper object and a bound function per connection.
    transport.on('close', this.#onClose)
  }

  /** Closes connections whose unfinished frame is older than the bound. Runs on the guards' own timer. */
  sweep(now = Date.now()): void {
    for (const watched of this.#midFrame) {
      if (now - watched.since < this.#timeoutMs) continue
      this.#stalled++
      this.#logger.debug({ timeoutMs: this.#timeoutMs }, 'websocket frame not completed in time; closing')
      this.#refuse(watched, POLICY_VIOLATION, `Frame not completed within ${this.#timeoutMs} ms`)
    }
  }

  /** Stops the sweep timer (shutdown). */
  stop(): void {
    clearInterval(this.#timer)
  }

  #read(watched: Watched, chunk: Buffer): void {
    if (watched.tracker.feed(chunk) === 'too-large') {
      this.#tooLarge++
      this.#logger.debug({ limit: watched.limit }, 'websocket message over the limit; closing')
      this.#refuse(watched, MESSAGE_TOO_BIG, `Message exceeds ${watched.limit} bytes`)
      return
    }
    for (const listener of watched.downstream) listener.call(watched.transport, chunk)
    if (!watched.tracker.midFrame) {
      watched.since = 0
      this.#midFrame.delete(watched)
    } else if (watched.since === 0) {
      watched.since = Date.now()
      this.#midFrame.add(watched)
    }
  }

  /**
   * Sends the close frame and stops reading: `ws` never sees the refused bytes (so it does not start
   * draining the socket itself), and nothing more is read into memory to be dropped. The socket is ended, then destroyed if the client has not closed within the grace period (a
   * client still sending may then see a reset, but it got the close frame a grace period earlier).
   */
  #refuse(watched: Watched, code: number, reason: string): void {
    const { socket, transport } = watched
    this.#forget(transport)
    socket.close(code, reason)
    for (const listener of transport.listeners('data')) transport.removeListener('data', listener as DataListener)
    transport.pause()
    transport.end()
    setTimeout(() => transport.destroy(), CLOSE_GRACE_MS).unref()
  }

  #forget(transport: Duplex): void {
    const watched = this.#watched.get(transport)
    if (watched === undefined) return
    this.#midFrame.delete(watched)
    this.#watched.delete(transport)
    transport.removeListener('data', this.#onData)
  }
}
