import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'
import fp from 'fastify-plugin'
import { disposeHeraldContainer, startHeraldContainer } from '../composition/container.js'
import type { ServerLifecycle } from '../composition/create-lifecycle.js'
import type { CreatedHub } from '../composition/create-realtime-hub.js'
import { Tokens } from '../composition/tokens.js'
import { isLoadedConfig, loadConfig } from '../config/load-config.js'
import type { ChannelAuthorizer } from '../domain/auth/channel-authorizer.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import type { EventDispatcher } from '../domain/events/event-dispatcher.js'
import type { DriverAuthPort } from '../domain/ports/driver-auth-port.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import type { AppProvider } from '../domain/ports/app-provider-port.js'
import type { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'
import { TIMED_OUT, withinDeadline } from '../domain/within-deadline.js'
import type { HeraldFacade } from './fastify-types.js'
import { parsePluginOptions, type HeraldPluginOptions } from './plugin-options.js'
import { broadcastingAuthRoutes } from './routes/broadcasting-auth.js'
import { pusherApiRoutes } from './routes/pusher-api/index.js'
import { DirectEvents } from './routes/pusher-api/direct-events.js'
import { offerDirectEvents } from './direct-routing.js'
import { DEFAULT_API_TIMESTAMP_WINDOW_SECONDS } from '../domain/auth/api-request-signature.js'
import { metricsRoute } from './routes/metrics.js'
import { registerAbuseMetrics } from './metrics/abuse-metrics.js'
import { registerWebhookMetrics } from './metrics/webhook-metrics.js'
import { capPendingPerAddress } from './pending-cap.js'
import { upRoute } from './routes/up.js'
import { socketIoEndpoint } from './socketio/socket-io-wiring.js'
import { stopListening } from './stop-listening.js'
import { ConnectionHandler } from './websocket/connection-handler.js'
import { FrameGuards, wsMessageLimit } from './websocket/frame-guard.js'
import { refuseUpgrades } from './websocket/refuse-upgrades.js'
import './fastify-types.js'

const MIN_SWEEP_MS = 250
const MAX_SWEEP_MS = 10_000

/** `X-Socket-ID` when the default connection can use it (Pusher's `1234.5678`; ably's base64url ids), else null. */
function socketIdOf(request: FastifyRequest, broadcasting: Broadcasting): string | null {
  const header = request.headers['x-socket-id']
  return typeof header === 'string' && broadcasting.isValidSocketId(header) ? header : null
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
      // One by one, not removeAllListeners('error'): that deletes the key and leaves the socket's listener table
      // a dictionary, about half a KiB more per idle connection.
      for (const listener of socket.listeners('error')) socket.removeListener('error', listener as (err: Error) => void)
      // Read what the handshake needs now; the request object is not kept after the upgrade.
      // The request's TCP socket is the one ws writes to; kept (not the request) for write batching.
      handler.accept(socket, { appKey: request.params.key, protocol: request.query.protocol, origin: request.headers.origin, ip: request.ip }, request.raw.socket)
    })
  }, { prefix })
}

const heraldPlugin: FastifyPluginAsync<HeraldPluginOptions> = async (fastify, options) => {
  const opts = parsePluginOptions(options)
  // `herald serve` hands over the config it already loaded; an app's plugin options are loaded here.
  const config = isLoadedConfig(opts.config) ? opts.config : loadConfig(opts.config ?? {}, opts.env)
  // fastify-plugin ignores `prefix` for the plugin itself, so the plugin applies it to its own routes.
  const prefix = typeof (options as { prefix?: unknown }).prefix === 'string' ? (options as { prefix: string }).prefix : ''
  const logger: LoggerPort = fastify.log.child({ module: 'herald' })
  // The composition root builds every part; the host only resolves what its routes need.
  const c = await startHeraldContainer(config, {
    logger,
    maxBufferedBytes: opts.maxBufferedBytes,
    ...(opts.broadcaster === undefined ? {} : { broadcaster: opts.broadcaster }),
    ...(opts.authorizer === undefined ? {} : { authorizer: opts.authorizer }),
    ...(opts.worker === undefined ? {} : { worker: opts.worker }),
  })
  const serverHub = c.resolve<CreatedHub>(Tokens.ServerHub)
  const apps = c.resolve<StaticAppLookup>(Tokens.Apps)
  const lifecycle = c.resolve<ServerLifecycle>(Tokens.ServerLifecycle)
  const hooks = lifecycle.pipeline.hooks
  const herald: HeraldFacade = {
    broadcasting: c.resolve<Broadcasting>(Tokens.Broadcasting),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host picks its own User type
    channels: c.resolve<ChannelAuthorizer<any>>(Tokens.Authorizer),
    events: c.resolve<EventDispatcher>(Tokens.Events),
    hub: serverHub.hub,
    apps,
    on: (name, listener) => hooks.on(name, listener),
    off: (name, listener) => hooks.off(name, listener),
  }
  const appProvider = c.resolve<AppProvider>(Tokens.AppProvider)
  const frameGuards = new FrameGuards({ frameTimeoutMs: config.server.frameTimeoutMs, logger })
  const handler = new ConnectionHandler({
    apps: appProvider, hub: serverHub.local, publisher: serverHub.hub, logger, maxBufferedBytes: opts.maxBufferedBytes, frameGuards, rates: serverHub.rates, observer: lifecycle.pipeline.observer,
  })

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
    frameGuards.stop()
    refuseUpgrades(fastify.server)
    const listener = stopListening(fastify.server)
    await Promise.all([handler.shutdown(opts.shutdownTimeoutMs), socketIo?.shutdown(opts.shutdownTimeoutMs)])
    if (!(await listener.within(opts.shutdownTimeoutMs))) logger.warn({ timeoutMs: opts.shutdownTimeoutMs }, 'HTTP connections still busy at shutdown were closed')
  })
  fastify.addHook('onClose', async () => {
    socketIo?.close()
    const closing = disposeHeraldContainer(c).then(
      () => true,
      (err: unknown) => {
        logger.error({ err }, 'closing a broadcasting driver or the cluster hub failed')
        return true
      },
    )
    if ((await withinDeadline(closing, opts.shutdownTimeoutMs)) === TIMED_OUT) {
      logger.warn({ timeoutMs: opts.shutdownTimeoutMs }, 'broadcasting drivers did not close in time; left behind')
    }
  })

  // ws's one cap per server is the largest app's; FrameGuards holds each connection to its own app's.
  const maxPayload = Math.max(...apps.all().map(wsMessageLimit))
  const pending = capPendingPerAddress(fastify, config.server.maxPendingPerAddress)
  await registerWebSocket(fastify, prefix, handler, maxPayload)
  const socketIo = await socketIoEndpoint(fastify, {
    enabled: opts.socketio, config, apps, provider: appProvider, hub: serverHub, logger, prefix, authPath: `${prefix}${opts.authPrefix}/auth`, authenticates: options.authenticate !== undefined, observer: lifecycle.pipeline.observer, batcher: handler.writeBatcher,
  })
  await fastify.register(upRoute, { prefix, health: () => serverHub.health() })
  const extend = (registry: Registry): void => {
    registerAbuseMetrics(registry, pending.counts, frameGuards)
    registerWebhookMetrics(registry, () => lifecycle.stats())
  }
  if (config.server.metrics) await fastify.register(metricsRoute, { prefix, stats: () => serverHub.local.metrics(), health: () => serverHub.health(), extend })
  // A driver with its own client answer (ably: tokens for @ably/laravel-echo) gets those requests (Laravel's behaviour).
  const driverAuth = c.resolve<DriverAuthPort | null>(Tokens.DriverAuth)
  await fastify.register(broadcastingAuthRoutes, {
    prefix: prefix + opts.authPrefix,
    authorizer: herald.channels,
    authenticate: opts.authenticate,
    logger,
    ...(driverAuth === null ? {} : { driverAuth }),
  })
  await fastify.register(pusherApiRoutes, { prefix, apps: appProvider, hub: serverHub.hub, rates: serverHub.rates })
  pending.seal()
  // Used only when the server's owner installs it (herald serve: direct-routing.ts).
  const direct = new DirectEvents({
    apps: appProvider, hub: serverHub.hub, rates: serverHub.rates, pending: pending.counts, prefix: fastify.prefix + prefix, timestampWindowSeconds: DEFAULT_API_TIMESTAMP_WINDOW_SECONDS, logger,
  })
  offerDirectEvents(fastify, direct)
  fastify.addHook('preClose', async () => direct.stop())
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
