import type { FastifyInstance } from 'fastify'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'

/** Longest user id accepted (the Node SDK's limit for user ids). */
export const MAX_USER_ID_LENGTH = 200

/** `POST /apps/:appId/users/:userId/terminate_connections`: closes every connection of that user; answers `{}`. */
export function registerTerminateConnectionsRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.post('/apps/:appId/users/:userId/terminate_connections', async (request) => {
    const { app } = apiRequestContextOf(request)
    const userId = (request.params as { userId?: unknown }).userId
    if (typeof userId !== 'string' || userId === '' || userId.length > MAX_USER_ID_LENGTH) {
      throw new InvalidRequestError('userId', `${JSON.stringify(userId)} must be 1 to ${MAX_USER_ID_LENGTH} characters`)
    }
    await hub.terminateUser(app.id, userId)
    return {}
  })
}
