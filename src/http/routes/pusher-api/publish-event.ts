import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import { channelAttributes, type ChannelAttributes } from './channel-attributes.js'
import type { EventInput } from './event-input.js'

/** Hands one validated event to the hub: `data` verbatim, `socket_id` excluded, no `user_id` (server events have none). */
export async function publishEvent(hub: RealtimeHubPort, appId: string, event: EventInput): Promise<void> {
  await hub.publish({
    appId,
    channels: event.channels,
    event: event.name,
    data: event.data,
    exceptSocketId: event.socketId,
  })
}

/** The `info` attributes of each of an event's channels, after publishing (Pusher reports them post-delivery). */
export async function eventChannelAttributes(
  hub: RealtimeHubPort,
  appId: string,
  event: EventInput,
): Promise<Record<string, ChannelAttributes>> {
  const entries = await Promise.all(
    event.channels.map(async (channel) => [channel, channelAttributes(channel, await hub.channel(appId, channel), event.info)] as const),
  )
  // fromEntries defines own properties, so a channel named `__proto__` stays an ordinary key.
  return Object.fromEntries(entries)
}
