// The domain barrel: everything public in the pure core. Imports nothing outside src/domain.

export * from './errors.js'

export * from './channels/channel.js'
export * from './channels/channel-name.js'
export * from './channels/channel-pattern.js'

export * from './auth/pusher-signature.js'
export * from './auth/api-request-signature.js'
export * from './auth/socket-id.js'
export * from './auth/authorization-result.js'
export * from './auth/channel-authorizer.js'
export { MAX_USER_ID_LENGTH, defaultUserId, normalizeUserId, type UserIdResolver } from './auth/presence-member.js'

export * from './events/should-broadcast.js'
export * from './events/broadcast-event.js'
export * from './events/event-dispatcher.js'
export type { EventPayload, Jsonified } from './events/event-payload.js'

export * from './ports/broadcaster-port.js'
export * from './ports/logger-port.js'
export * from './ports/app-provider-port.js'

export type { BroadcastMessage } from './broadcasting/broadcast-message.js'
export * from './broadcasting/index.js'

export * from './ports/driver-auth-port.js'
export * from './within-deadline.js'
export * from './queue/queue-port.js'
export * from './queue/broadcast-job.js'
export { backoffDelayMs, type Backoff } from './queue/backoff.js'
export * from './models/model-event.js'
export * from './notifications/broadcast-notification.js'

export * from './realtime/herald-app.js'
export * from './realtime/static-app-lookup.js'
export * from './realtime/realtime-hub-port.js'
export * from './realtime/pusher-close-codes.js'
// A server's state as pure logic behind small interfaces (subscribers, channels, presence, the local hub).
export * from './realtime/subscriber.js'
export * from './realtime/channel-subscriptions.js'
export * from './realtime/presence-roster.js'
export * from './realtime/local-realtime-hub.js'
export * from './realtime/presence-member.js'
export * from './realtime/event-frame.js'
export { isCacheChannel } from './realtime/channel-event-cache.js'
export * from './realtime/cluster-state-port.js'
export * from './realtime/hub-stats.js'

// Lifecycle events (webhooks and in-process hooks): the event model, the pipeline's pure stages, Pusher's request format.
export * from './lifecycle/lifecycle-event.js'
export * from './lifecycle/lifecycle-hooks.js'
export * from './lifecycle/lifecycle-delay.js'
export * from './lifecycle/lifecycle-batcher.js'
export * from './lifecycle/lifecycle-pipeline.js'
export * from './lifecycle/lifecycle-timer.js'
export * from './lifecycle/subscription-count-throttle.js'
export * from './lifecycle/webhook-dispatcher.js'
export * from './lifecycle/webhook-request.js'
export * from './lifecycle/webhook-retry.js'
export * from './lifecycle/webhook-target.js'
