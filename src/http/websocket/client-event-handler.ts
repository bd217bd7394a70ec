import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'
import { clientEventRefusal, relayClientEvent } from '../client-event-rules.js'
import { PusherCloseCode } from './close-codes.js'
import type { ConnectionState } from './connection-state.js'
import { errorFrame, type ClientFrame } from './frames.js'


/**
 * A `client-*` event (Echo's whisper): relayed to the channel's other subscribers, never echoed,
 * with the sender's `user_id` on presence channels, at most the app's `maxClientEventsPerSecond` per connection. Refusals are `pusher:error` 4301; the socket stays open.
 */
export function handleClientEvent(publisher: RealtimeHubPort, logger: LoggerPort, state: ConnectionState, frame: ClientFrame, observer?: LifecycleObserver): void {
  const refusal = clientEventRefusal(state, frame.channel)
  if (refusal !== null || frame.channel === undefined) {
    state.subscriber.send(errorFrame(PusherCloseCode.ClientEventRejected, refusal ?? 'Client events need a channel'))
    return
  }
  // Pusher's wire format wants data as a string; pusher-js sends an object, so it is stringified once here.
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data ?? {})
  relayClientEvent(publisher, logger, state, { channel: frame.channel, name: frame.event, data }, observer)
}
