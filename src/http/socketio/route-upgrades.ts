import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'

type UpgradeListener = (this: Server, request: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * Gives engine.io the upgrades under `path` and every other upgrade to the listeners already there
 * (@fastify/websocket's, which would otherwise route a Socket.IO upgrade through Fastify and answer 404 on the
 * socket engine.io just upgraded). `engineListener` is the one engine.io added when it attached.
 */
export function routeUpgrades(server: Server, path: string, engineListener: UpgradeListener): void {
  const others = (server.listeners('upgrade') as UpgradeListener[]).filter((l) => l !== engineListener)
  server.removeAllListeners('upgrade')
  server.on('upgrade', function route(this: Server, request: IncomingMessage, socket: Duplex, head: Buffer) {
    if (request.url?.startsWith(path) === true) engineListener.call(this, request, socket, head)
    else for (const listener of others) listener.call(this, request, socket, head)
  })
}
