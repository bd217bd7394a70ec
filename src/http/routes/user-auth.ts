import type { FastifyInstance } from 'fastify'
import type { UserAuthenticationResult } from '../../domain/auth/authorization-result.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { deniedResponse } from '../error-mapping.js'
import { authenticatedUser, socketIdField, type Authenticate } from './auth-request.js'

/** What the user-auth route needs from the `ChannelAuthorizer`. */
export interface UserAuthenticator {
  authenticateUser(user: unknown, socketId: string): Promise<UserAuthenticationResult>
}

/**
 * `POST /user-auth` (under the auth prefix): pusher-js's `pusher:signin` flow. Answers `{auth, user_data}`,
 * 401 when nobody is authenticated, 403 when the authorizer cannot sign the user in.
 */
export function registerUserAuthRoute(fastify: FastifyInstance, options: { authorizer: UserAuthenticator; authenticate: Authenticate; logger: LoggerPort }): void {
  fastify.post('/user-auth', async (request, reply) => {
    const user = await authenticatedUser(options.authenticate, request)
    const socketId = socketIdField(request.body)
    const result = await options.authorizer.authenticateUser(user, socketId)
    if (result.allowed) return result.payload
    options.logger[result.error === undefined ? 'info' : 'warn'](
      { reason: result.reason, socketId, ...(result.error === undefined ? {} : { err: result.error }) },
      `user authentication denied: ${result.message}`,
    )
    const denied = deniedResponse(result.reason, result.message)
    return reply.code(denied.status).send(denied.body)
  })
}
