import Fastify, { type FastifyInstance } from 'fastify'
import { loadConfig } from '../config/load-config.js'
import type { HeraldConfigInput } from '../config/schema.js'
import { routeEventsDirectly } from './direct-routing.js'
import { herald } from './plugin.js'
import { ServerLogController } from './server-log-controller.js'
import { httpsOptionsFor } from './tls-options.js'
import { serverTimeoutOptions } from './server-timeouts.js'

/** Inputs of {@link startServer}. */
export interface StartServerOptions {
  /** Environment: `HOST` (default `0.0.0.0`), `PORT` (default 6001), `BROADCAST_APP_*`, `BROADCAST_CONNECTION`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Configuration (e.g. a config file's object); `env` and defaults fill each key it leaves out. @default {} */
  readonly config?: HeraldConfigInput
  /**
   * Pino logger options or `false`. Per-request lines (incoming, completed, not found) are logged at
   * `debug`; failed requests at `error`. @default { level: env.LOG_LEVEL ?? 'info' }
   */
  readonly logger?: boolean | { level: string }
  /** Longest a graceful shutdown waits for clients, ms. @default 5000 */
  readonly shutdownTimeoutMs?: number
}

/** A running standalone server. */
export interface HeraldServer {
  readonly app: FastifyInstance
  /** `http://host:port` it listens on. */
  readonly url: string
  readonly port: number
  /** Stops accepting, tells clients to reconnect (4200), closes within the shutdown bound. */
  close(): Promise<void>
}

/**
 * `herald serve`: the WebSocket endpoint and the HTTP API as a standalone server (the role Soketi
 * and Reverb play), configured from the environment through `loadConfig`.
 * @throws InvalidConfigError for bad env values (e.g. `PORT=abc`), before listening.
 */
export async function startServer(options: StartServerOptions = {}): Promise<HeraldServer> {
  const env = options.env ?? process.env
  // Loaded once: the plugin (and through it the composition root) uses this very object.
  const config = loadConfig(options.config, env)
  const { host, port, tls, trustProxy } = config.server
  const https = httpsOptionsFor(tls)
  const app = Fastify({
    logger: options.logger ?? { level: env.LOG_LEVEL ?? 'info' },
    logController: new ServerLogController(),
    trustProxy,
    ...serverTimeoutOptions(config.server),
    ...(https === undefined ? {} : { https }),
  })
  await app.register(herald, { config, shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000 })
  // Publishes skip Fastify's request lifecycle (routes/pusher-api/direct-events.ts), except when every request must
  // show in the debug log or the client address comes from a proxy's headers (Fastify's trustProxy).
  if (!trustProxy && app.log.level !== 'debug' && app.log.level !== 'trace') routeEventsDirectly(app)
  await app.listen({ host, port })
  const address = app.server.address()
  const actualPort = typeof address === 'object' && address !== null ? address.port : port
  const first = config.apps[0]
  app.log.info(
    { host, port: actualPort, appId: first?.id, appKey: first?.key },
    `Herald listening: WebSocket ${https ? 'wss' : 'ws'}://${host}:${actualPort}/app/${first?.key ?? '<key>'}, HTTP API ${https ? 'https' : 'http'}://${host}:${actualPort}/apps/${first?.id ?? '<id>'}` +
      (config.server.socketio ? `, Socket.IO ${https ? 'https' : 'http'}://${host}:${actualPort}/socket.io/` : ''),
  )
  return { app, url: `${https ? 'https' : 'http'}://${host}:${actualPort}`, port: actualPort, close: () => app.close() }
}
