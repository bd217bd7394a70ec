import type { FastifyInstance } from 'fastify'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import { isPresenceChannel, parseInfoAttributes } from './channel-attributes.js'
import { channelParam } from './channel-param.js'

/**
 * `GET /apps/:appId/channels/:channel`: `{occupied}` plus the `info` attributes asked for.
 * `user_count` on a non-presence channel is a 400, as Pusher answers.
 */
export function registerChannelRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.get('/apps/:appId/channels/:channel', async (request) => {
    const { app, query } = apiRequestContextOf(request)
    const channel = channelParam(request)
    const info = parseInfoAttributes(query.get('info'))
    if (info.has('user_count') && !isPresenceChannel(channel)) {
      throw new InvalidRequestError('info', `user_count is only available for presence channels, not ${JSON.stringify(channel)}`)
    }
    const state = await hub.channel(app.id, channel)
    return {
      occupied: state.occupied,
      ...(info.has('user_count') ? { user_count: state.userCount ?? 0 } : {}),
      ...(info.has('subscription_count') ? { subscription_count: state.subscriptionCount } : {}),
    }
  })
}
