import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import { BroadcastFailedError } from '../../domain/errors.js'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'
import type { RealtimeHubPort } from '../../domain/realtime/realtime-hub-port.js'

/**
 * The `local` driver: hands messages straight to this process's connections (or, through a cluster
 * hub, to every Herald server). Zero infrastructure; the default when the Fastify host is mounted.
 *
 * @example
 * const broadcaster = new LocalBroadcaster(fastify.herald.hub, 'app-id')
 * await broadcaster.broadcast({ channels: ['orders'], event: 'OrderShipped', payload: { id: 1 } })
 */
export class LocalBroadcaster implements BroadcasterPort {
  readonly #hub: RealtimeHubPort
  readonly #appId: string

  constructor(hub: RealtimeHubPort, appId: string) {
    this.#hub = hub
    this.#appId = appId
  }

  async broadcast(message: BroadcastMessage): Promise<void> {
    try {
      // Serialised once here; the hub embeds this string in one frame per channel and never re-parses it.
      const data = JSON.stringify(message.payload ?? {})
      await this.#hub.publish({ appId: this.#appId, channels: message.channels, event: message.event, data, exceptSocketId: message.socketId })
    } catch (err) {
      throw new BroadcastFailedError('local', message.channels, err)
    }
  }
}
