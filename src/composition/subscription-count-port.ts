import type { SubscriptionCountPort } from '../domain/lifecycle/subscription-count-throttle.js'
import type { CreatedHub } from './create-realtime-hub.js'

/** The event pusher-js turns into `pusher:subscription_count` on the channel. */
const SUBSCRIPTION_COUNT_EVENT = 'pusher_internal:subscription_count'

/** Subscription counting over a server's hub: its windows, its (cluster-wide) counts, and publishing to the channel. */
export function subscriptionCountPort(server: CreatedHub): SubscriptionCountPort {
  return {
    claim: (appId, channel, windowMs) => server.claimCountWindow(appId, channel, windowMs),
    count: async (appId, channel) => (await server.hub.channel(appId, channel)).subscriptionCount,
    publish: (appId, channel, count) =>
      server.hub.publish({ appId, channels: [channel], event: SUBSCRIPTION_COUNT_EVENT, data: JSON.stringify({ subscription_count: count }) }),
  }
}
