import type { FastifyInstance } from 'fastify'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import { channelAttributes, parseInfoAttributes } from './channel-attributes.js'

/**
 * `GET /apps/:appId/channels`: occupied channels, optionally `filter_by_prefix`, with the `info` attributes
 * asked for (an empty object per channel otherwise). `user_count` needs `filter_by_prefix=presence-`, as Pusher requires.
 */
export function registerChannelsRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.get('/apps/:appId/channels', async (request) => {
    const { app, query } = apiRequestContextOf(request)
    const prefix = query.get('filter_by_prefix')
    const info = parseInfoAttributes(query.get('info'))
    if (info.has('user_count') && !(prefix ?? '').startsWith('presence-')) {
      throw new InvalidRequestError('info', 'user_count is only available with filter_by_prefix=presence-')
    }
    const channels = await hub.channels(app.id, prefix === undefined || prefix === '' ? undefined : prefix)
    const entries = [...channels].map(([name, channelInfo]) => [name, channelAttributes(name, channelInfo, info)] as const)
    // An object even when empty (`{}`, never `[]`): pusher-php reads it with get_object_vars.
    return { channels: Object.fromEntries(entries) }
  })
}
