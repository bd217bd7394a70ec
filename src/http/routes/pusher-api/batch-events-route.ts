import type { FastifyInstance } from 'fastify'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { apiRequestContextOf } from './api-request-context.js'
import { channelAttributes } from './channel-attributes.js'
import { isJsonObject, parseEventInput, parseJsonBody, type EventInput } from './event-input.js'
import { publishEvent } from './publish-event.js'

/** Most events in one `/batch_events` request (Pusher's limit). */
export const MAX_BATCH_EVENTS = 10

/**
 * `POST /apps/:appId/batch_events`: up to 10 events, each to one channel. Every event is validated before
 * any is published, so a bad batch publishes nothing. Answers `{}`, or `{batch: [{…}, …]}` index-aligned
 * when any event asks for `info`.
 */
export function registerBatchEventsRoute(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  fastify.post('/apps/:appId/batch_events', async (request) => {
    const { app, body } = apiRequestContextOf(request)
    const parsed = parseJsonBody(body)
    const batch = isJsonObject(parsed) ? parsed.batch : undefined
    if (!Array.isArray(batch)) throw new InvalidRequestError('batch', 'is required and must be an array of events')
    if (batch.length > MAX_BATCH_EVENTS) {
      throw new InvalidRequestError('batch', `has ${batch.length} events; at most ${MAX_BATCH_EVENTS} are allowed per request`)
    }
    const events: EventInput[] = batch.map((item, index) => parseEventInput(item, app, `batch[${index}].`))

    // Published in order, so subscribers see a batch's events in the order they were given.
    for (const event of events) await publishEvent(hub, app.id, event)

    if (!events.some((event) => event.info.size > 0)) return {}
    const attributes = await Promise.all(
      events.map(async (event) => {
        const channel = event.channels[0] ?? ''
        return event.info.size === 0 ? {} : channelAttributes(channel, await hub.channel(app.id, channel), event.info)
      }),
    )
    return { batch: attributes }
  })
}
