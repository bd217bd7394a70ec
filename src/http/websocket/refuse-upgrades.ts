import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

const SERVICE_UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

/**
 * Stops accepting WebSocket upgrades on `server`: every later upgrade gets a plain 503 and is closed.
 * Used when shutting down. Without it, a client reconnecting during shutdown (pusher-js reconnects at
 * once after 4200) is routed into a closing Fastify whose 503 never reaches the raw socket, and the
 * half-open socket keeps `server.close()` from ever finishing.
 */
export function refuseUpgrades(server: Server): void {
  server.removeAllListeners('upgrade')
  server.on('upgrade', (_request: unknown, socket: Duplex) => {
    socket.end(SERVICE_UNAVAILABLE)
  })
}
