import type { FastifyInstance } from 'fastify'
import type { Namespace, Socket } from 'socket.io'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import { routeUpgrades } from './route-upgrades.js'
import { socketIoCors } from './socket-io-cors.js'
import { SocketIoHandler, type SocketIoHandlerOptions } from './socket-io-handler.js'

/** Inputs of {@link attachSocketIo}. */
export interface AttachSocketIoOptions extends SocketIoHandlerOptions {
  /** Where Socket.IO listens, with its trailing slash. @default '/socket.io/' */
  readonly path: string
  /** The config's apps: their message sizes make the engine's limit (and, without a database, their origins its CORS). */
  readonly allApps: readonly HeraldApp[]
}

/** The Socket.IO endpoint of a plugin instance. */
export interface SocketIoEndpoint {
  readonly handler: SocketIoHandler
  /** Refuses new clients and closes the transports of the others, waiting at most `timeoutMs` for them to go. */
  shutdown(timeoutMs: number): Promise<void>
  /** Drops whatever is left (engine.io's clients and its WebSocket server). */
  close(): void
}

/** Socket.IO's packet framing around a whisper's data; the engine's limit leaves room for it. */
const PACKET_OVERHEAD = 1024

/** socket.io 4.6+ creates a namespace's sockets here; Herald names them before anything sees their id. */
interface SocketFactory {
  _createSocket?: (client: unknown, auth: unknown) => Promise<Socket>
}

/**
 * Gives every socket of the main namespace an id in Pusher's `digits.digits` form. Echo sends `socket.id` as
 * `X-Socket-ID`; in Pusher's form it passes every check an app's server already makes (Herald's request.socketId,
 * the pusher SDKs' `socket_id` validation, `toOthers` on every driver), so Socket.IO clients need no special case.
 */
function mintPusherSocketIds(namespace: Namespace, newId: () => string): void {
  const factory = namespace as unknown as SocketFactory
  const create = factory._createSocket?.bind(namespace)
  if (create === undefined) throw new Error('this socket.io version has no Namespace._createSocket (Herald needs socket.io 4.6 or later, 4.x)')
  factory._createSocket = async (client, auth) => {
    const socket = await create(client, auth)
    ;(socket as { id: string }).id = newId()
    return socket
  }
}

/**
 * Serves Echo's socket.io connector (and any socket.io-client 4) on the Fastify server's own port, sharing the
 * realtime hub with the Pusher endpoint. `socket.io` is loaded only here, so a server without it never imports it.
 */
export async function attachSocketIo(fastify: FastifyInstance, options: AttachSocketIoOptions): Promise<SocketIoEndpoint> {
  const { Server } = await import('socket.io')
  const handler = new SocketIoHandler(options)
  const server = fastify.server
  const before = new Set(server.listeners('upgrade'))
  const io = new Server(server, {
    path: options.path,
    serveClient: false,
    // Fastify's other upgrades (the Pusher endpoint) are routed below; engine.io must not time them out.
    destroyUpgrade: false,
    maxHttpBufferSize: Math.max(...options.allApps.map((a) => a.maxMessageSize)) + PACKET_OVERHEAD,
    cors: socketIoCors(options.apps, options.defaultApp),
  })
  const engineListener = server.listeners('upgrade').find((l) => !before.has(l))
  if (engineListener !== undefined) routeUpgrades(server, options.path, engineListener as Parameters<typeof routeUpgrades>[2])
  const main = io.of('/')
  mintPusherSocketIds(main, () => handler.newSocketId())
  main.use((socket, next) => handler.admit(socket, next))
  main.on('connection', (socket) => handler.accept(socket))
  return {
    handler,
    shutdown: (timeoutMs) => handler.shutdown(timeoutMs),
    close: () => {
      io.engine.close()
    },
  }
}
