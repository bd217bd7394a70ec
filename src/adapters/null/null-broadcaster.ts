import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'

/**
 * The `null` driver: accepts every broadcast and discards it (Laravel's default when nothing is
 * configured). A null object, not a test double: use `BroadcasterFake` to assert on broadcasts.
 */
export class NullBroadcaster implements BroadcasterPort {
  async broadcast(_message: BroadcastMessage): Promise<void> {}

  /** Nothing to release. */
  async close(): Promise<void> {}
}
