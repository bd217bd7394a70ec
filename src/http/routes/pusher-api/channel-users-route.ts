import type { FastifyInstance } from 'fastify'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import { isPresenceChannel } from './channel-attributes.js'
import { channelParam } from './channel-param.js'

/** `GET /apps/:appId/channels/:channel/users`: `{users: [{id}, …]}`; presence channels only (else 400). */
export function registerChannelUsersRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.get('/apps/:appId/channels/:channel/users', async (request) => {
    const { app } = apiRequestContextOf(request)
    const channel = channelParam(request)
    if (!isPresenceChannel(channel)) {
      throw new InvalidRequestError('channel', `${JSON.stringify(channel)} is not a presence channel; only presence channels have users`)
    }
    const ids = await hub.presenceUsers(app.id, channel)
    return { users: ids.map((id) => ({ id })) }
  })
}
