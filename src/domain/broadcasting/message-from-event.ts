import { resolveChannelNames } from '../channels/channel.js'
import { assertValidEventName } from '../channels/channel-name.js'
import { defaultBroadcastName, defaultBroadcastPayload } from '../events/broadcast-event.js'
import type { ShouldBroadcast } from '../events/should-broadcast.js'
import type { BroadcastMessage } from './broadcast-message.js'

// Which event a message was built from, so `BroadcasterFake.assertBroadcasted(OrderShipped, e => …)`
// can hand the typed event back. A WeakMap keeps the message a plain value that drivers may serialise.
const sources = new WeakMap<BroadcastMessage, ShouldBroadcast>()

/** The event a message was built from by {@link messageFromEvent}, if any (anonymous broadcasts have none). */
export function sourceEventOf(message: BroadcastMessage): ShouldBroadcast | undefined {
  return sources.get(message)
}

/** Freezes a message (and its channel list) so no driver or listener can change what others receive. */
export function freezeMessage(message: BroadcastMessage): BroadcastMessage {
  Object.freeze(message.channels)
  return Object.freeze(message)
}

/**
 * Resolves an event into the one message every driver receives, exactly once:
 * `broadcastWhen()` (false → `null`, nothing is sent), channels from `broadcastOn()`,
 * the name from `broadcastAs()` or the class name, the payload from `broadcastWith()` or the
 * event's own enumerable properties, and `broadcastQueue()`. An empty channel list also yields
 * `null`, as Laravel skips events with no channels.
 *
 * @throws InvalidChannelNameError / InvalidEventNameError naming the bad value.
 */
export async function messageFromEvent(event: ShouldBroadcast, socketId?: string): Promise<BroadcastMessage | null> {
  if (event.broadcastWhen !== undefined && !(await event.broadcastWhen())) return null
  const channels = resolveChannelNames(event.broadcastOn())
  if (channels.length === 0) return null
  const name = event.broadcastAs?.() ?? defaultBroadcastName(event)
  assertValidEventName(name)
  const payload = event.broadcastWith?.() ?? defaultBroadcastPayload(event)
  const queue = event.broadcastQueue?.()
  const message = freezeMessage({
    channels,
    event: name,
    payload,
    // Absent rather than `undefined`, so a recorded message deep-equals what a test writes by hand.
    ...(socketId === undefined ? {} : { socketId }),
    ...(queue === undefined ? {} : { queue }),
  })
  sources.set(message, event)
  return message
}
