import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createBroadcasting } from '../adapters/create-broadcasting.js'
import { loadConfig } from '../config/load-config.js'
import type { HeraldConfig } from '../config/schema.js'
import { ChannelAuthorizer } from '../domain/auth/channel-authorizer.js'
import { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import { EventDispatcher } from '../domain/events/event-dispatcher.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import { ablyAuthOptionsFor } from './ably-auth-options.js'
import { createRealtimeHub } from './create-hub.js'
import type { HeraldFacade } from './fastify-types.js'
import { parsePluginOptions, type HeraldPluginOptions, type ResolvedPluginOptions } from './plugin-options.js'
import { broadcastingAuthRoutes } from './routes/broadcasting-auth.js'
import { pusherApiRoutes } from './routes/pusher-api/index.js'
import { metricsRoute } from './routes/metrics.js'
import { upRoute } from './routes/up.js'
import { settleWithin } from './settle-within.js'
import { socketIoEndpoint } from './socketio/socket-io-wiring.js'
import { StaticAppLookup } from './static-app-lookup.js'
import { stopListening } from './stop-listening.js'
import { ConnectionHandler } from './websocket/connection-handler.js'
import { refuseUpgrades } from './websocket/refuse-upgrades.js'
import './fastify-types.js'

const MIN_SWEEP_MS = 250
const MAX_SWEEP_MS = 10_000
/** The `ws` hard cap on a frame; per-app `maxMessageSize` is enforced below it with a `pusher:error`. */
const MIN_WS_MAX_PAYLOAD = 1024 * 1024

/** `X-Socket-ID` when the default connection can use it (Pusher's `1234.5678`; ably's base64url ids), else null. */
function socketIdOf(request: FastifyRequest, broadcasting: Broadcasting): string | null {
  const header = request.headers['x-socket-id']
  return typeof header === 'string' && broadcasting.isValidSocketId(header) ? header : null
}

/**
 * Builds the broadcasting manager (every configured connection, `local` by default inside the host),
 * the channel rules and the dispatcher around the default app.
 */
function createFacade(opts: ResolvedPluginOptions, config: HeraldConfig, apps: StaticAppLookup, hub: HeraldFacade['hub'], logger: LoggerPort): HeraldFacade {
  const app = apps.defaultApp
  const channels = opts.authorizer ?? new ChannelAuthorizer({ key: app.key, secret: app.secret, encryptionMasterKey: app.encryptionMasterKey })
  if (channels.credentials === undefined) channels.setCredentials({ key: app.key, secret: app.secret, encryptionMasterKey: app.encryptionMasterKey })
  const configured = createBroadcasting(config, { hub, appId: app.id, logger })
  // `broadcaster` replaces the default connection's driver only (e.g. a BroadcasterFake in tests).
  const broadcasting = opts.broadcaster === undefined ? configured : new Broadcasting({
    default: configured.defaultConnection,
    connections: Object.fromEntries(configured.connectionNames.map((n) => [n, n === configured.defaultConnection ? opts.broadcaster as BroadcasterPort : configured.connection(n)])),
  })
  return { broadcasting, channels, events: new EventDispatcher(broadcasting), hub, apps }
}

async function registerWebSocket(fastify: FastifyInstance, prefix: string, handler: ConnectionHandler, maxPayload: number): Promise<void> {
  if (!fastify.hasDecorator('websocketServer')) {
    // Per-message deflate costs CPU per socket on every fan-out frame; Pusher clients do not need it.
    await fastify.register(websocket, { options: { perMessageDeflate: false, maxPayload } })
  }
  await fastify.register(async (child) => {
    child.get<{ Params: { key: string }; Querystring: { protocol?: string } }>('/app/:key', {
      websocket: true,
      // @fastify/websocket routes an upgrade through Fastify with a ServerResponse bound to the socket that never
      // finishes, so without this every idle connection would keep its whole HTTP request alive (socket →
      // response → Fastify's finish listener → reply, request, child logger, URL), about 3 KiB each. Nothing
      // writes that response: the upgrade and a refused handshake write to the socket directly. Detaching here,
      // the last step before the handler, leaves 404s and hook errors their normal HTTP reply.
      preHandler: (request, reply, done) => {
        if (request.ws) reply.raw.detachSocket(request.raw.socket)
        done()
      },
    }, (socket, request) => {
      // @fastify/websocket's own error listener closes over the request and reply for the socket's lifetime;
      // `accept` installs the one that stays (it logs, and ws closes the socket after an error anyway).
      socket.removeAllListeners('error')
      // Read what the handshake needs now; the request object is not kept after the upgrade.
      // The request's TCP socket is the one ws writes to; kept (not the request) for write batching.
      handler.accept(socket, { appKey: request.params.key, protocol: request.query.protocol, origin: request.headers.origin }, request.raw.socket)
    })
  }, { prefix })
}

const heraldPlugin: FastifyPluginAsync<HeraldPluginOptions> = async (fastify, options) => {
  const opts = parsePluginOptions(options)
  const config = loadConfig(opts.config ?? {}, opts.env)
  const apps = new StaticAppLookup(config.apps)
  // fastify-plugin ignores `prefix` for the plugin itself, so the plugin applies it to its own routes.
  const prefix = typeof (options as { prefix?: unknown }).prefix === 'string' ? (options as { prefix: string }).prefix : ''
  const logger: LoggerPort = fastify.log.child({ module: 'herald' })
  const created = await createRealtimeHub({ maxBufferedBytes: opts.maxBufferedBytes, logger, config: opts.config, env: opts.env, defaultAppId: apps.defaultApp.id })
  const handler = new ConnectionHandler({ apps, hub: created.local, publisher: created.hub, logger, maxBufferedBytes: opts.maxBufferedBytes })
  const herald = createFacade(opts, config, apps, created.hub, logger)

  fastify.decorate('herald', herald)
  fastify.decorateRequest('socketId', null)
  fastify.addHook('onRequest', async (request) => {
    request.socketId = socketIdOf(request, herald.broadcasting)
  })

  const timeouts = apps.all().map((a) => a.activityTimeout * 500)
  const sweepMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.min(...timeouts)))
  const sweeper = setInterval(() => handler.sweep(), sweepMs)
  sweeper.unref()

  // Added before @fastify/websocket's own preClose so clients get 4200 (reconnect now), not a plain 1000.
  // Every step is bounded by shutdownTimeoutMs, so app.close() resolves whatever clients do:
  // stop accepting first (pusher-js reconnects at once after 4200), then the WebSocket grace period,
  // then the HTTP connections still busy, then the drivers.
  fastify.addHook('preClose', async () => {
    clearInterval(sweeper)
    refuseUpgrades(fastify.server)
    const listener = stopListening(fastify.server)
    await Promise.all([handler.shutdown(opts.shutdownTimeoutMs), socketIo?.shutdown(opts.shutdownTimeoutMs)])
    if (!(await listener.within(opts.shutdownTimeoutMs))) logger.warn({ timeoutMs: opts.shutdownTimeoutMs }, 'HTTP connections still busy at shutdown were closed')
  })
  fastify.addHook('onClose', async () => {
    socketIo?.close()
    const closing = Promise.allSettled([herald.broadcasting.close(), created.close()]).then((results) => {
      for (const r of results) if (r.status === 'rejected') logger.error({ err: r.reason }, 'closing a broadcasting driver failed')
    })
    if (!(await settleWithin(closing, opts.shutdownTimeoutMs))) logger.warn({ timeoutMs: opts.shutdownTimeoutMs }, 'broadcasting drivers did not close in time; left behind')
  })

  const maxPayload = Math.max(MIN_WS_MAX_PAYLOAD, ...apps.all().map((a) => a.maxMessageSize * 2))
  await registerWebSocket(fastify, prefix, handler, maxPayload)
  const socketIo = await socketIoEndpoint(fastify, { enabled: opts.socketio, config, apps, hub: created, logger, prefix, authPath: `${prefix}${opts.authPrefix}/auth` })
  await fastify.register(upRoute, { prefix, health: created.health })
  if (config.server.metrics) await fastify.register(metricsRoute, { prefix, stats: () => created.local.metrics(), health: created.health })
  // With an `ably` default connection, @ably/laravel-echo's requests get Ably tokens (Laravel's behaviour).
  const ably = ablyAuthOptionsFor(config, herald.broadcasting.defaultConnection)
  await fastify.register(broadcastingAuthRoutes, { prefix: prefix + opts.authPrefix, authorizer: herald.channels, authenticate: opts.authenticate, logger, ...(ably === undefined ? {} : { ably }) })
  await fastify.register(pusherApiRoutes, { prefix, apps, hub: created.hub })
}

/**
 * The Herald Fastify plugin: the Pusher-protocol WebSocket endpoint (`/app/:key`), `/broadcasting/auth`,
 * the Pusher HTTP API (`/apps/:appId/...`), `GET /up`, and `fastify.herald`.
 *
 * @example
 * await app.register(herald, { authenticate: (req) => req.user ?? null })
 * app.herald.channels.channel('orders.{id}', (user, { id }) => user.orderIds.includes(id))
 * await app.herald.broadcasting.event(new OrderShipped(order)).toOthers(request.socketId)
 */
export const herald = fp(heraldPlugin, { name: 'herald', fastify: '5.x' })
export default herald
