import type { FastifyInstance } from 'fastify'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import { parseEventInput, parseJsonBody } from './event-input.js'
import { eventChannelAttributes, publishEvent } from './publish-event.js'

/**
 * `POST /apps/:appId/events`: one event to up to 100 channels. Answers `{}`, or `{channels: {…}}` when
 * `info` asks for attributes.
 */
export function registerEventsRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.post('/apps/:appId/events', async (request) => {
    const { app, body } = apiRequestContextOf(request)
    const event = parseEventInput(parseJsonBody(body), app)
    await publishEvent(hub, app.id, event)
    if (event.info.size === 0) return {}
    return { channels: await eventChannelAttributes(hub, app.id, event) }
  })
}
