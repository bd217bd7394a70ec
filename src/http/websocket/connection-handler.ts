import { randomInt } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { AppProvider } from '../../domain/ports/app-provider-port.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import type { LocalRealtimeHub } from '../../domain/realtime/local-realtime-hub.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import type { ServerRateLimits } from '../../domain/realtime/server-rate-limits.js'
import { PusherCloseCode } from './close-codes.js'
import type { ConnectionState } from './connection-state.js'
import type { FrameGuards } from './frame-guard.js'
import { handleClientEvent } from './client-event-handler.js'
import { errorFrame, parseClientFrame, protocolFrame, tryParseSubscribeData, tryParseUnsubscribeData, type ClientFrame } from './frames.js'
import { handleSignin } from './signin-handler.js'
import { handleSubscribe, handleUnsubscribe } from './subscription-handler.js'
import { FrameEncoder } from './frame-encoder.js'
import { WriteBatcher } from './write-batcher.js'
import { WsSubscriber, type CorkableTransport, type ServerWrites } from './ws-subscriber.js'

/** What the upgrade request told us; read once, nothing of the request is kept. */
export interface ConnectionRequest {
  readonly appKey: string
  readonly protocol: string | undefined
  readonly origin: string | undefined
  /** The client's address, for `maxConnectionsPerIpPerSecond`. */
  readonly ip?: string | undefined
}

export interface ConnectionHandlerOptions {
  /** Where apps are found by key: the config's (at once) or a database's (a promise). */
  readonly apps: AppProvider
  /** This process's subscriptions. */
  readonly hub: LocalRealtimeHub
  /** Where client events are published (the local hub, or a cluster hub wrapping it). */
  readonly publisher: RealtimeHubPort
  readonly logger: LoggerPort
  /** A socket with more bytes queued than this is closed with 4100. */
  readonly maxBufferedBytes: number
  /** Told of client events and cache misses (webhooks, in-process hooks). @default none */
  readonly observer?: LifecycleObserver
  /** Counts connection attempts against each app's `maxConnectionsPerIpPerSecond`. @default no limits */
  readonly rates?: ServerRateLimits
  /** Bounds each connection's unfinished frames (size per app, time to complete). @default none */
  readonly frameGuards?: FrameGuards
}

type Handler = (state: ConnectionState, frame: ClientFrame) => void

/** Listeners shared by every accepted socket; `this` is the socket that emitted. */
// Function-typed properties, not methods: they are meant to be passed unbound (`ws` binds `this` to the socket).
interface SocketListeners {
  readonly message: (this: WebSocket, data: Buffer, isBinary: boolean) => void
  readonly pong: (this: WebSocket) => void
  readonly close: (this: WebSocket) => void
  readonly error: (this: WebSocket, err: Error) => void
}

const MIN_PROTOCOL = 5
const MAX_PROTOCOL = 7
const SOCKET_ID_PART_MAX = 1_000_000_000
const MAX_ECHOED_KEY = 64
const REFUSED_REASON = 'Connection refused'
const SHUTDOWN_POLL_MS = 20

/**
 * The Pusher protocol over WebSockets: handshake, a dispatch table of client events, liveness
 * and shutdown. One instance serves every connection of a plugin instance.
 */
export class ConnectionHandler {
  readonly #apps: AppProvider
  readonly #hub: LocalRealtimeHub
  readonly #publisher: RealtimeHubPort
  readonly #logger: LoggerPort
  readonly #maxBufferedBytes: number
  readonly #observer: LifecycleObserver | undefined
  readonly #rates: ServerRateLimits | undefined
  readonly #frameGuards: FrameGuards | undefined
  readonly #connections = new Map<string, ConnectionState>()
  readonly #handlers: ReadonlyMap<string, Handler>
  /** Refused sockets still in their closing handshake; a shutdown drops those that never answer. */
  readonly #refused = new Set<WebSocket>()
  /** The state of each accepted socket, for the shared listeners below. */
  readonly #states = new WeakMap<WebSocket, ConnectionState>()
  readonly #listeners: SocketListeners
  /** This server's write batching and frame cache: two servers in one process never share holds or load. */
  readonly #writes: ServerWrites = { batcher: new WriteBatcher(), frames: new FrameEncoder() }
  #closing = false

  /** This server's write batcher: every transport writing to this server's sockets shares it (Socket.IO too). */
  get writeBatcher(): WriteBatcher {
    return this.#writes.batcher
  }

  constructor(options: ConnectionHandlerOptions) {
    this.#apps = options.apps
    this.#hub = options.hub
    this.#publisher = options.publisher
    this.#logger = options.logger
    this.#maxBufferedBytes = options.maxBufferedBytes
    this.#observer = options.observer
    this.#rates = options.rates
    this.#frameGuards = options.frameGuards
    // A Map, not an object literal: event names come from clients, and `constructor` or `__proto__`
    // must be unknown events, not inherited properties.
    this.#handlers = new Map<string, Handler>([
      ['pusher:ping', (s) => s.subscriber.send(protocolFrame('pusher:pong'))],
      ['pusher:pong', () => {}],
      ['pusher:subscribe', (s, f) => this.#subscribe(s, f)],
      ['pusher:unsubscribe', (s, f) => this.#unsubscribe(s, f)],
      ['pusher:signin', (s, f) => handleSignin(this.#hub, s, f)],
    ])
    // One set of listeners for every socket (`ws` calls them with `this` = the socket), so an idle
    // connection holds no closures of its own: a few hundred bytes each at thousands of connections.
    // oxlint-disable-next-line typescript/no-this-alias -- inside the listeners `this` is the socket
    const handler = this
    const states = this.#states
    this.#listeners = {
      message(data, isBinary) {
        const state = states.get(this)
        if (state !== undefined) handler.#onMessage(state, data, isBinary)
      },
      pong() {
        const state = states.get(this)
        if (state !== undefined) handler.#touch(state)
      },
      close() {
        const state = states.get(this)
        if (state !== undefined) handler.#onClose(state)
      },
      error(err) {
        handler.#logger.debug({ err, socketId: states.get(this)?.subscriber.socketId }, 'websocket error')
      },
    }
  }

  /**
   * Takes over an upgraded socket: refuses it with a Pusher code or sends `connection_established`.
   * @param transport the TCP socket under `socket`, when known; it lets fan-out batch a turn's frames.
   */
  accept(socket: WebSocket, request: ConnectionRequest, transport?: CorkableTransport & Duplex): void {
    const found = this.#apps.byKey(request.appKey)
    if (!(found instanceof Promise)) return this.#admit(socket, request, transport, found)
    // A database lookup: pusher-js sends nothing before connection_established, so no listener is missed
    // meanwhile, but the socket needs an error listener, and may be gone when the answer comes.
    const onError = (err: Error): void => this.#logger.debug({ err }, 'websocket error while looking up the app')
    socket.on('error', onError)
    found.then(
      (app) => {
        socket.off('error', onError)
        if (socket.readyState === socket.OPEN) this.#admit(socket, request, transport, app)
      },
      (err: unknown) => {
        // Providers answer undefined rather than reject; a rejection is a bug, refused as an unknown app.
        this.#logger.error({ err, appKey: request.appKey }, 'app lookup failed')
        socket.off('error', onError)
        if (socket.readyState === socket.OPEN) this.#admit(socket, request, transport, undefined)
      },
    )
  }

  #admit(socket: WebSocket, request: ConnectionRequest, transport: (CorkableTransport & Duplex) | undefined, app: HeraldApp | undefined): void {
    const refusal = this.#refusal(app, request)
    if (refusal !== undefined || app === undefined) {
      const [code, message] = refusal ?? [PusherCloseCode.ApplicationDoesNotExist, 'App key does not exist']
      socket.send(errorFrame(code, message))
      // A close reason is limited to 123 bytes; the frame above carries the full message.
      socket.close(code, REFUSED_REASON)
      // ws gives up on an unanswered close after 30 s; a shutdown must not wait that long.
      this.#refused.add(socket)
      socket.once('close', () => this.#refused.delete(socket))
      socket.on('error', (err) => this.#logger.debug({ err }, 'websocket error on a refused connection'))
      this.#logger.debug({ appKey: request.appKey, code }, message)
      return
    }
    const subscriber = new WsSubscriber(this.#newSocketId(), socket, this.#maxBufferedBytes, this.#writes, transport)
    const now = Date.now()
    const state: ConnectionState = {
      subscriber, app, channels: new Map(), userId: null, userInfo: undefined, lastSeenAt: now, pingSentAt: 0, clientEventWindowAt: now, clientEventCount: 0,
    }
    this.#connections.set(subscriber.socketId, state)
    this.#states.set(socket, state)
    socket.on('message', this.#listeners.message)
    socket.on('pong', this.#listeners.pong)
    socket.on('close', this.#listeners.close)
    socket.on('error', this.#listeners.error)
    if (transport !== undefined) this.#frameGuards?.watch(socket, transport, app)
    const established = { socket_id: subscriber.socketId, activity_timeout: app.activityTimeout }
    subscriber.send(protocolFrame('pusher:connection_established', established))
  }

  /**
   * Pings connections idle past their app's activity timeout and closes those that did not answer
   * the previous ping (4201). Called by one timer per plugin, not one per connection.
   */
  sweep(now = Date.now()): void {
    for (const state of this.#connections.values()) {
      const timeoutMs = state.app.activityTimeout * 1000
      if (state.pingSentAt !== 0) {
        if (now - state.pingSentAt >= timeoutMs) state.subscriber.close(PusherCloseCode.PongReplyNotReceivedInTime, 'Pong reply not received in time')
      } else if (now - state.lastSeenAt >= timeoutMs) {
        state.pingSentAt = now
        state.subscriber.send(protocolFrame('pusher:ping'))
      }
    }
  }

  /**
   * Graceful shutdown: refuses new connections, tells every client to reconnect now (4200) and
   * waits until they are gone or `timeoutMs` passed, then drops the rest.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#closing = true
    for (const state of this.#connections.values()) state.subscriber.close(PusherCloseCode.GenericReconnectImmediately, 'Server shutting down')
    const deadline = Date.now() + timeoutMs
    while (this.#connections.size + this.#refused.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, SHUTDOWN_POLL_MS))
    for (const state of [...this.#connections.values()]) {
      state.subscriber.terminate()
      // Not left to ws's asynchronous 'close': the departures must be produced before the lifecycle flushes.
      this.#onClose(state)
    }
    for (const socket of [...this.#refused]) socket.terminate()
    this.#refused.clear()
  }

  #refusal(app: HeraldApp | undefined, request: ConnectionRequest): [number, string] | undefined {
    if (this.#closing) return [PusherCloseCode.GenericReconnectImmediately, 'Server shutting down']
    if (app === undefined) return [PusherCloseCode.ApplicationDoesNotExist, `App key ${JSON.stringify(request.appKey.slice(0, MAX_ECHOED_KEY))} does not exist`]
    const protocol = request.protocol
    if (protocol !== undefined) {
      if (!/^\d+$/.test(protocol)) return [PusherCloseCode.InvalidVersionStringFormat, `Invalid protocol version ${JSON.stringify(protocol)}`]
      const n = Number(protocol)
      if (n < MIN_PROTOCOL || n > MAX_PROTOCOL) return [PusherCloseCode.UnsupportedProtocolVersion, `Unsupported protocol version ${n}; supported: ${MIN_PROTOCOL}-${MAX_PROTOCOL}`]
    }
    if (!app.allowedOrigins.includes('*') && (request.origin === undefined || !app.allowedOrigins.includes(request.origin))) {
      return [PusherCloseCode.ConnectionIsUnauthorized, `Origin ${request.origin ?? '(none)'} is not allowed`]
    }
    if (this.#rates !== undefined && !this.#rates.allowConnection(app, request.ip)) {
      return [PusherCloseCode.OverCapacity, `Too many connections from this address; the limit is ${app.maxConnectionsPerIpPerSecond} per second`]
    }
    if (!this.#hub.openConnection(app.id, app.maxConnections)) {
      return [PusherCloseCode.ApplicationIsOverConnectionQuota, `Application is over its connection quota (${app.maxConnections})`]
    }
    return undefined
  }

  #newSocketId(): string {
    for (;;) {
      const id = `${randomInt(1, SOCKET_ID_PART_MAX)}.${randomInt(1, SOCKET_ID_PART_MAX)}`
      if (!this.#connections.has(id)) return id
    }
  }

  #touch(state: ConnectionState): void {
    state.lastSeenAt = Date.now()
    state.pingSentAt = 0
  }

  #onMessage(state: ConnectionState, data: Buffer, isBinary: boolean): void {
    this.#touch(state)
    const parsed = parseClientFrame(data, isBinary, state.app.maxMessageSize)
    if (!parsed.ok) {
      state.subscriber.send(errorFrame(null, parsed.message))
      return
    }
    const frame = parsed.frame
    try {
      const handler = this.#handlers.get(frame.event)
      if (handler !== undefined) handler(state, frame)
      else if (frame.event.startsWith('client-')) handleClientEvent(this.#publisher, this.#logger, state, frame, this.#observer)
      else {
        state.subscriber.send(errorFrame(null, `Unknown event ${JSON.stringify(frame.event)}`))
        this.#logger.debug({ socketId: state.subscriber.socketId, event: frame.event }, 'unknown event')
      }
    } catch (err) {
      // One bad frame must not take down the process or other connections; report it and carry on.
      this.#logger.error({ err, socketId: state.subscriber.socketId, event: frame.event }, 'error handling frame')
      state.subscriber.send(errorFrame(null, 'Internal error handling the frame'))
    }
  }

  #onClose(state: ConnectionState): void {
    const id = state.subscriber.socketId
    if (this.#connections.get(id) !== state) return
    this.#connections.delete(id)
    for (const channel of [...state.channels.keys()]) handleUnsubscribe(this.#hub, state, channel)
    if (state.userId !== null) this.#hub.signOut(state.app.id, state.userId, state.subscriber)
    this.#hub.closeConnection(state.app.id)
  }

  #subscribe(state: ConnectionState, frame: ClientFrame): void {
    const data = tryParseSubscribeData(frame.data)
    if (data === undefined) state.subscriber.send(errorFrame(null, 'pusher:subscribe needs data {channel: string, auth?: string, channel_data?: string}'))
    else handleSubscribe(this.#hub, state, data, this.#observer)
  }

  #unsubscribe(state: ConnectionState, frame: ClientFrame): void {
    const data = tryParseUnsubscribeData(frame.data)
    if (data === undefined) state.subscriber.send(errorFrame(null, 'pusher:unsubscribe needs data {channel: string}'))
    else handleUnsubscribe(this.#hub, state, data.channel)
  }
}
