import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { LoggerPort } from '../../domain/ports/logger-port.js'

/** Options of {@link broadcastingAuthRoutes}. (Stub: implementation in progress.) */
export interface BroadcastingAuthOptions {
  readonly authorizer: unknown
  readonly authenticate: (request: FastifyRequest) => unknown
  readonly logger?: LoggerPort
}

/** `POST /auth` and `POST /user-auth` (registered under a prefix, `/broadcasting` by default). Stub. */
export const broadcastingAuthRoutes: FastifyPluginAsync<BroadcastingAuthOptions> = async () => {}
