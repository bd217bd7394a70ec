/**
 * `herald/react`: React hooks for Herald's events, on top of `@laravel/echo-react` (configure it once with
 * `configureEcho({ broadcaster: 'reverb', ... })` pointed at Herald). Needs the optional peer dependencies
 * `react`, `@laravel/echo-react`, `laravel-echo` and `pusher-js`; `import 'herald'` never loads any of them.
 */
export { useBroadcastEvents, echoEventName, type ChannelVisibility, type UseBroadcastEventsOptions } from './use-broadcast-events.js'
export type { EventPayload } from '../domain/events/event-payload.js'
