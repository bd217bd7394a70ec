import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

const SERVICE_UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

/**
 * Stops accepting WebSocket upgrades on `server`: every later upgrade gets a plain 503 and is closed.
 * Used when shutting down. Without it, a client reconnecting during shutdown (pusher-js reconnects at
 * once after 4200) is routed into a closing Fastify.
 *
 * The socket is destroyed once the answer is written, not only ended: an upgraded socket is no longer
 * tracked by the HTTP server (no timeouts, not closed by `closeAllConnections`), and the server is
 * `allowHalfOpen`, so a client that never sends its FIN would keep `server.close()` waiting forever.
 */
export function refuseUpgrades(server: Server): void {
  server.removeAllListeners('upgrade')
  server.on('upgrade', (_request: unknown, socket: Duplex) => {
    socket.on('error', () => {
      // The peer went away while the 503 was written; the socket is destroyed below either way.
    })
    socket.end(SERVICE_UNAVAILABLE, () => socket.destroy())
  })
}
