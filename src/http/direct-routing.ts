import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { DirectEvents } from './routes/pusher-api/direct-events.js'

// The direct path each Herald plugin instance offers, for the server that owns its HTTP server to install.
const offered = new WeakMap<FastifyInstance, DirectEvents>()

/** Called by the plugin: `fastify`'s events requests may be taken by `direct` if its server owner asks. */
export function offerDirectEvents(fastify: FastifyInstance, direct: DirectEvents): void {
  offered.set(fastify, direct)
}

/** The direct path the plugin registered on `app` offered (installed or not), for tests and diagnostics. */
export function offeredDirectEvents(app: FastifyInstance): DirectEvents | undefined {
  return offered.get(app)
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Puts the Herald plugin's direct events path (routes/pusher-api/direct-events.ts) in front of Fastify on a server
 * the caller owns (`herald serve`; never a host app's server, whose hooks must see every request). Returns false,
 * changing nothing, when the plugin offered none or the server's request listener is not Fastify's alone.
 */
export function routeEventsDirectly(app: FastifyInstance): boolean {
  const direct = offered.get(app)
  const listeners = app.server.listeners('request') as RequestListener[]
  const fastifyListener = listeners[0]
  if (direct === undefined || listeners.length !== 1 || fastifyListener === undefined) return false
  app.server.removeListener('request', fastifyListener)
  app.server.on('request', function route(this: unknown, req: IncomingMessage, res: ServerResponse) {
    if (!direct.take(req, res)) fastifyListener.call(this, req, res)
  })
  return true
}
