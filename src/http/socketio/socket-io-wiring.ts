import type { WriteBatcher } from '../websocket/write-batcher.js'
import type { FastifyInstance } from 'fastify'
import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { HeraldConfig } from '../../config/schema.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { CreatedHub } from '../../composition/create-realtime-hub.js'
import type { StaticAppLookup } from '../../domain/realtime/static-app-lookup.js'
import type { AppProvider } from '../../domain/ports/app-provider-port.js'
import type { SocketIoEndpoint } from './attach-socket-io.js'
import { fetchAuthEndpoint, injectAuthEndpoint } from './channel-auth.js'

/** Socket.IO's path under the plugin's prefix (Echo's socket.io connector and socket.io-client default to it). */
export const SOCKET_IO_PATH = '/socket.io/'

/** What the plugin hands over to serve Socket.IO. */
export interface SocketIoWiring {
  /** The plugin option; overrides `server.socketio` when set. */
  readonly enabled: boolean | undefined
  readonly config: HeraldConfig
  /** The config's apps: the default app (clients that name none) and the engine's message size limit. */
  readonly apps: StaticAppLookup
  /** Where clients' `appKey`s are looked up (the config's apps, or PostgreSQL's), as the Pusher endpoint does. */
  readonly provider: AppProvider
  readonly hub: CreatedHub
  readonly logger: LoggerPort
  /** The plugin's route prefix. */
  readonly prefix: string
  /** Path of the plugin's own channel auth route, asked when no `server.socketioAuthUrl` is set. */
  readonly authPath: string
  /** Whether the host gave the plugin an `authenticate` hook (without one, its own auth route answers 401). */
  readonly authenticates: boolean
  /** Told of whispers (client_event webhooks, in-process hooks). @default none */
  readonly observer?: LifecycleObserver | undefined
  /** The server's write batcher (the Pusher endpoint's `ConnectionHandler.writeBatcher`). */
  readonly batcher: WriteBatcher
}

/**
 * The Socket.IO endpoint when enabled (plugin option `socketio`, else `server.socketio` / `HERALD_SOCKETIO`), or
 * undefined. Subscriptions to private and presence channels are checked by `server.socketioAuthUrl` when set (the
 * application's endpoint, for `herald serve`), else in-process by the plugin's own auth route.
 * Register it after the Pusher WebSocket route, whose upgrades it routes around.
 */
export async function socketIoEndpoint(fastify: FastifyInstance, wiring: SocketIoWiring): Promise<SocketIoEndpoint | undefined> {
  const server = wiring.config.server
  if (!(wiring.enabled ?? server.socketio)) return undefined
  const { attachSocketIo } = await import('./attach-socket-io.js')
  if (server.socketioAuthUrl === null && !wiring.authenticates) {
    wiring.logger.warn({}, 'Socket.IO is on without HERALD_SOCKETIO_AUTH_URL (server.socketioAuthUrl) or an authenticate hook: private and presence subscriptions will be refused (401)')
  }
  const askAuth = server.socketioAuthUrl === null ? injectAuthEndpoint(fastify, wiring.authPath) : fetchAuthEndpoint(server.socketioAuthUrl, server.socketioAuthTimeoutMs)
  return attachSocketIo(fastify, {
    path: wiring.prefix + SOCKET_IO_PATH,
    apps: wiring.provider,
    allApps: wiring.apps.all(),
    defaultApp: wiring.apps.defaultApp,
    hub: wiring.hub.local,
    publisher: wiring.hub.hub,
    logger: wiring.logger,
    askAuth,
    authTimeoutMs: server.socketioAuthTimeoutMs,
    observer: wiring.observer,
    batcher: wiring.batcher,
  })
}
