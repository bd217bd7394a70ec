import type { FastifyInstance } from 'fastify'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import type { ChannelAttributes } from './channel-attributes.js'
import { parseEventInput, parseJsonBody } from './event-input.js'
import { eventChannelAttributes, publishEvent } from './publish-event.js'

/** What `POST /apps/:appId/events` answers: `{}`, or the channels' attributes when `info` asks for them. */
export type EventsAnswer = Record<string, never> | { channels: Record<string, ChannelAttributes> }

/**
 * Validates and publishes the body of a verified `POST /apps/:appId/events` (its signature and `body_md5`
 * already checked); throws the coded error a bad body gets. Shared by the route and `herald serve`'s direct path.
 */
export async function answerEventsRequest(hub: RealtimeHubPort, app: HeraldApp, body: string): Promise<EventsAnswer> {
  const event = parseEventInput(parseJsonBody(body), app)
  await publishEvent(hub, app.id, event)
  if (event.info.size === 0) return {}
  return { channels: await eventChannelAttributes(hub, app.id, event) }
}

/**
 * `POST /apps/:appId/events`: one event to up to 100 channels. Answers `{}`, or `{channels: {…}}` when
 * `info` asks for attributes.
 */
export function registerEventsRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.post('/apps/:appId/events', async (request) => {
    const { app, body } = apiRequestContextOf(request)
    return answerEventsRequest(hub, app, body)
  })
}
