import type { WriteBatcher } from '../websocket/write-batcher.js'
import { randomInt } from 'node:crypto'
import type { Socket } from 'socket.io'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { AppProvider } from '../../domain/ports/app-provider-port.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import type { LocalRealtimeHub } from '../../domain/realtime/local-realtime-hub.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { PusherCloseCode } from '../websocket/close-codes.js'
import type { AskAuthEndpoint } from './channel-auth.js'
import { handleClientEvent } from './client-event.js'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import { PresenceDirectory } from './presence-directory.js'
import { SocketIoFrameTranslator } from './socket-io-packets.js'
import type { SocketIoConnection } from './socket-io-connection.js'
import { SocketIoSubscriber } from './socket-io-subscriber.js'
import { handleSocketIoSubscribe, handleSocketIoUnsubscribe, type SubscribeAck, type SubscribeContext } from './socket-io-subscribe.js'

/** Inputs of {@link SocketIoHandler}. */
export interface SocketIoHandlerOptions {
  /** Where a client's `appKey` is looked up: the config's apps (at once) or a database's (a promise). */
  readonly apps: AppProvider
  /** The app of clients that name none (`query: {appKey}`): the config's first. */
  readonly defaultApp: HeraldApp
  /** This process's subscriptions (shared with the Pusher endpoint). */
  readonly hub: LocalRealtimeHub
  /** Where whispers are published (the local hub, or a cluster hub wrapping it). */
  readonly publisher: RealtimeHubPort
  readonly logger: LoggerPort
  /** The application's auth endpoint, for private and presence channels. */
  readonly askAuth: AskAuthEndpoint
  /** Longest an auth request may take before the subscription is refused, ms. */
  readonly authTimeoutMs: number
  /** Told of whispers (client_event webhooks, in-process hooks). @default none */
  readonly observer?: LifecycleObserver | undefined
  /** The server's write batcher, shared with the Pusher endpoint's sockets. */
  readonly batcher: WriteBatcher
}

/** A Socket.IO connection refusal, as socket.io-client's `connect_error` shows it (`err.message`, `err.data`). */
class ConnectionRefused extends Error {
  readonly data: { readonly code: number }
  constructor(code: number, message: string) {
    super(message)
    this.name = 'ConnectionRefused'
    this.data = { code }
  }
}

/** A socket that passed the checks and was counted, until it connects (or its transport closes first). */
interface Admitted {
  readonly app: HeraldApp
  readonly uncount: () => void
}

const SOCKET_ID_PART_MAX = 1_000_000_000
const SHUTDOWN_POLL_MS = 20
const MAX_ECHOED_KEY = 64

/**
 * Echo's socket.io protocol on Herald's hub: admission (app, origin, connection quota), `subscribe`/`unsubscribe`,
 * whispers, disconnects and graceful shutdown. One instance serves every Socket.IO client of a plugin instance.
 */
export class SocketIoHandler {
  readonly #options: SocketIoHandlerOptions
  readonly #connections = new Map<string, SocketIoConnection>()
  readonly #admitted = new WeakMap<Socket, Admitted>()
  readonly #directory = new PresenceDirectory()
  readonly #translator = new SocketIoFrameTranslator(this.#directory)
  readonly #context: SubscribeContext
  #closing = false

  constructor(options: SocketIoHandlerOptions) {
    this.#options = options
    this.#context = { ...options, directory: this.#directory, translator: this.#translator, isLive: (s) => this.#connections.get(s.subscriber.socketId) === s }
  }

  /** Live Socket.IO clients. */
  get size(): number {
    return this.#connections.size
  }

  /** Presence channels whose members are remembered for Socket.IO clients (for leak tests). */
  get presenceChannels(): number {
    return this.#directory.size
  }

  /** A fresh socket id in Pusher's `digits.digits` form, so `X-Socket-ID` and every driver's `toOthers` accept it. */
  newSocketId(): string {
    for (;;) {
      const id = `${randomInt(1, SOCKET_ID_PART_MAX)}.${randomInt(1, SOCKET_ID_PART_MAX)}`
      if (!this.#connections.has(id)) return id
    }
  }

  /**
   * Socket.IO middleware: refuses a connection (the client's `connect_error`) or counts it against its app's quota.
   * The app is the one named by the handshake's `appKey` (looked up in the provider, perhaps a database), or the
   * default app when none is named.
   */
  admit(socket: Socket, next: (err?: Error) => void): void {
    const key = socket.handshake.query.appKey
    if (key !== undefined && typeof key !== 'string') return this.#decide(socket, next, new ConnectionRefused(PusherCloseCode.ApplicationDoesNotExist, 'appKey must be given once'))
    const found = key === undefined ? this.#options.defaultApp : this.#options.apps.byKey(key)
    if (!(found instanceof Promise)) return this.#decide(socket, next, this.#refusal(socket, key, found))
    found.then(
      (app) => this.#decide(socket, next, this.#refusal(socket, key, app)),
      (err: unknown) => {
        // Providers answer undefined rather than reject; a rejection is a bug, refused as an unknown app.
        this.#options.logger.error({ err }, 'socket.io app lookup failed')
        this.#decide(socket, next, this.#refusal(socket, key, undefined))
      },
    )
  }

  /** Takes over a connected socket. */
  accept(socket: Socket): void {
    const admitted = this.#admitted.get(socket)
    if (admitted === undefined) {
      socket.disconnect(true)
      return
    }
    socket.conn.off('close', admitted.uncount)
    const subscriber = new SocketIoSubscriber(socket, admitted.app.id, this.#translator, this.#options.batcher)
    const now = Date.now()
    const state: SocketIoConnection = { socket, subscriber, app: admitted.app, channels: new Map(), authorizing: new Set(), clientEventWindowAt: now, clientEventCount: 0 }
    this.#connections.set(subscriber.socketId, state)
    socket.on('subscribe', (data: unknown, ack: unknown) => {
      this.#guard(state, 'subscribe', () => handleSocketIoSubscribe(this.#context, state, data, typeof ack === 'function' ? (ack as SubscribeAck) : undefined))
    })
    socket.on('unsubscribe', (data: unknown) => this.#guard(state, 'unsubscribe', () => handleSocketIoUnsubscribe(this.#context, state, data)))
    socket.on('client event', (data: unknown) => this.#guard(state, 'client event', () => handleClientEvent(this.#options.publisher, this.#options.logger, state, data, this.#options.observer)))
    socket.on('disconnect', () => this.#onClose(state))
  }

  /**
   * Graceful shutdown: refuses new clients, closes every transport (socket.io-client reconnects, to another server
   * once this one stopped listening) and waits until they are gone or `timeoutMs` passed.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#closing = true
    for (const state of this.#connections.values()) state.subscriber.close(PusherCloseCode.GenericReconnectImmediately, 'Server shutting down')
    const deadline = Date.now() + timeoutMs
    while (this.#connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, SHUTDOWN_POLL_MS))
    // Those still open past the deadline leave now: their departures must be produced before the lifecycle flushes.
    for (const state of [...this.#connections.values()]) this.#onClose(state)
  }

  #decide(socket: Socket, next: (err?: Error) => void, refusal: ConnectionRefused | undefined): void {
    if (refusal === undefined) return next()
    this.#options.logger.debug({ code: refusal.data.code }, `socket.io connection refused: ${refusal.message}`)
    next(refusal)
  }

  #refusal(socket: Socket, key: string | undefined, app: HeraldApp | undefined): ConnectionRefused | undefined {
    if (this.#closing) return new ConnectionRefused(PusherCloseCode.GenericReconnectImmediately, 'Server shutting down')
    if (app === undefined) return new ConnectionRefused(PusherCloseCode.ApplicationDoesNotExist, `App key ${JSON.stringify(String(key).slice(0, MAX_ECHOED_KEY))} does not exist`)
    // The transport may have closed while a database looked the app up: counting it now would never be undone.
    if (socket.conn.readyState !== 'open') return new ConnectionRefused(PusherCloseCode.GenericReconnectImmediately, 'Connection closed during the handshake')
    const origin = socket.handshake.headers.origin
    if (!app.allowedOrigins.includes('*') && (origin === undefined || !app.allowedOrigins.includes(origin))) {
      return new ConnectionRefused(PusherCloseCode.ConnectionIsUnauthorized, `Origin ${origin ?? '(none)'} is not allowed`)
    }
    if (!this.#options.hub.openConnection(app.id, app.maxConnections)) {
      return new ConnectionRefused(PusherCloseCode.ApplicationIsOverConnectionQuota, `Application is over its connection quota (${app.maxConnections})`)
    }
    // Counted now; a transport that closes before the socket connects gives the count back.
    const uncount = (): void => this.#options.hub.closeConnection(app.id)
    socket.conn.once('close', uncount)
    this.#admitted.set(socket, { app, uncount })
    return undefined
  }

  #guard(state: SocketIoConnection, event: string, work: () => void): void {
    try {
      work()
    } catch (err) {
      // One bad packet must not take down the process or other connections; report it and carry on.
      this.#options.logger.error({ err, socketId: state.subscriber.socketId, event }, 'error handling a socket.io event')
    }
  }

  #onClose(state: SocketIoConnection): void {
    const id = state.subscriber.socketId
    if (this.#connections.get(id) !== state) return
    this.#connections.delete(id)
    state.authorizing.clear()
    for (const channel of [...state.channels.keys()]) handleSocketIoUnsubscribe(this.#context, state, { channel })
    this.#options.hub.closeConnection(state.app.id)
  }
}
