import Fastify, { type FastifyInstance } from 'fastify'
import { Pusher, type PusherOptions } from './pusher-js.js'
import PusherServer from 'pusher'
import herald, { type HeraldPluginOptions } from '../../../src/http/index.js'
import { waitFor } from '../../helpers/wait-for.js'

export const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const

/** A Herald host on an ephemeral loopback port, with helpers to attach real clients. */
export interface TestHerald {
  readonly app: FastifyInstance
  readonly port: number
  /** Official `pusher` SDK pointed at this server (publishing and signing). */
  readonly sdk: PusherServer
  /** A connected pusher-js client; channel auth signed in-process with the SDK unless overridden. */
  client(options?: Partial<PusherOptions>, key?: string): Promise<Pusher>
  close(): Promise<void>
}

/** A presence member for a socket: who it joins presence channels as. */
export type MemberFor = (socketId: string) => { user_id: string; user_info: Record<string, unknown> }

const memberPerSocket: MemberFor = (socketId) => ({ user_id: `u-${socketId}`, user_info: { name: socketId } })

/** Options pusher-js needs to reach this server over plain ws, signing auth with `sdk` (presence as `member`). */
export function clientOptions(port: number, sdk: PusherServer, wsPath = '', member: MemberFor = memberPerSocket): PusherOptions {
  return {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    wsPath,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        callback(null, sdk.authorizeChannel(socketId, channelName, channelName.startsWith('presence-') ? member(socketId) : undefined))
      },
    },
  }
}

export async function startHerald(
  options: HeraldPluginOptions & { prefix?: string } = {},
  setup?: (app: FastifyInstance) => void | Promise<void>,
): Promise<TestHerald> {
  const app = Fastify({ logger: false })
  await app.register(herald, { env: {}, ...options, config: { apps: [APP], ...options.config } })
  await setup?.(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const port = address.port
  const sdk = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(port), useTLS: false })
  const clients: Pusher[] = []
  return {
    app,
    port,
    sdk,
    async client(overrides = {}, key = APP.key) {
      const pusher = new Pusher(key, { ...clientOptions(port, sdk, options.prefix ?? ''), ...overrides })
      clients.push(pusher)
      await waitFor(() => pusher.connection.state === 'connected', { what: 'pusher-js to connect' })
      return pusher
    },
    async close() {
      for (const c of clients) c.disconnect()
      await app.close()
    },
  }
}
