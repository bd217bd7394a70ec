import { Type, type Static } from 'typebox'
import { LIFECYCLE_EVENT_NAMES } from '../../domain/lifecycle/lifecycle-event.js'

/** One of the lifecycle event names. */
const EventTypeSchema = Type.Enum([...LIFECYCLE_EVENT_NAMES])

/** One webhook target of an app (`apps[].webhooks[]`, or `BROADCAST_APP_WEBHOOKS` as a JSON list). */
export const WebhookTargetSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'Where the POST goes (http or https).' }),
    eventTypes: Type.Optional(
      Type.Array(EventTypeSchema, { description: 'Event types sent to it. @default every type' }),
    ),
    filter: Type.Optional(
      Type.Object(
        {
          channelNameStartsWith: Type.Optional(Type.String({ minLength: 1 })),
          channelNameEndsWith: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false, description: 'Only channels whose name matches. @default every channel' },
      ),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra request headers. @default {}' })),
  },
  { additionalProperties: false },
)

/** A validated webhook target. */
export type WebhookTargetConfig = Static<typeof WebhookTargetSchema>
