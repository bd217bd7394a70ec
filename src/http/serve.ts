import Fastify, { type FastifyInstance } from 'fastify'
import { herald } from './plugin.js'

/** Inputs of {@link startServer}. */
export interface StartServerOptions {
  /** Environment: `HOST` (default `0.0.0.0`), `PORT` (default 6001), `BROADCAST_APP_*`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Pino logger options or `false`. @default { level: env.LOG_LEVEL ?? 'info' } */
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

const DEFAULT_PORT = 6001

/**
 * `herald serve`: the WebSocket endpoint and the HTTP API as a standalone server (the role Soketi
 * and Reverb play), configured from the environment.
 */
export async function startServer(options: StartServerOptions = {}): Promise<HeraldServer> {
  const env = options.env ?? process.env
  const host = env.HOST ?? '0.0.0.0'
  const port = env.PORT === undefined || env.PORT === '' ? DEFAULT_PORT : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be an integer 0-65535 (got ${JSON.stringify(env.PORT)})`)
  const app = Fastify({ logger: options.logger ?? { level: env.LOG_LEVEL ?? 'info' } })
  await app.register(herald, { env, shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000 })
  await app.listen({ host, port })
  const address = app.server.address()
  const actualPort = typeof address === 'object' && address !== null ? address.port : port
  const app0 = app.herald.apps.byKey(env.BROADCAST_APP_KEY ?? 'app-key')
  app.log.info({ host, port: actualPort, appId: app0?.id, appKey: app0?.key }, `Herald listening on ws://${host}:${actualPort}/app/<key> and http://${host}:${actualPort}/apps/<id>`)
  if ((env.BROADCAST_APP_SECRET ?? 'app-secret') === 'app-secret' && env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test') {
    app.log.warn({ code: 'HERALD_WARN_DEFAULT_SECRET' }, 'Using the default app secret "app-secret"; set BROADCAST_APP_SECRET outside development')
  }
  return { app, url: `http://${host}:${actualPort}`, port: actualPort, close: () => app.close() }
}
