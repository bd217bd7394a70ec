import type { ChannelAuthorizer } from '../domain/auth/channel-authorizer.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import type { EventDispatcher } from '../domain/events/event-dispatcher.js'
import type { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'

/** What the plugin exposes as `fastify.herald`. */
export interface HeraldFacade {
  /** The broadcasting manager: `await fastify.herald.broadcasting.event(e).toOthers(request.socketId)`. */
  readonly broadcasting: Broadcasting
  /** Channel rules: `fastify.herald.channels.channel('orders.{id}', (user, { id }) => …)`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host picks its own User type
  readonly channels: ChannelAuthorizer<any>
  /** Dispatches events to listeners, then broadcasts those that implement ShouldBroadcast. */
  readonly events: EventDispatcher
  /** This server's connections (publish, query, terminate). */
  readonly hub: RealtimeHubPort
  /** The apps served: by id, by key, and `all()` (the default app first). */
  readonly apps: StaticAppLookup
}

declare module 'fastify' {
  interface FastifyInstance {
    herald: HeraldFacade
  }
  interface FastifyRequest {
    /** The `X-Socket-ID` header Echo sends (for `toOthers`), or null when absent or not a socket id the default connection accepts (Pusher's `digits.digits`, ably's base64url ids). */
    socketId: string | null
  }
}
