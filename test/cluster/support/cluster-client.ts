import PusherServer from 'pusher'
import { Pusher } from '../../e2e/support/pusher-js.js'
import { clientOptions } from '../../e2e/support/start-herald.js'
import { waitFor } from '../../helpers/wait-for.js'

export const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const

/** The official SDK pointed at one server's HTTP API. */
export function sdkFor(port: number): PusherServer {
  return new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(port), useTLS: false })
}

/** One received frame, as pusher-js hands it to `bind_global`. */
export interface Received {
  readonly channel: string
  readonly event: string
  readonly data: unknown
}

/** A pusher-js client on one server, recording every event of every channel it joins. */
export interface ClusterClient {
  readonly pusher: Pusher
  readonly received: Received[]
  readonly socketId: string
  /** Subscribes and waits for `subscription_succeeded`. */
  join(channel: string): Promise<void>
  /** Events named `event` on `channel` received so far. */
  seen(channel: string, event: string): Received[]
  /** Resolves once the connection is closed (e.g. after terminate_connections). */
  closed(): Promise<void>
}

/**
 * Connects a real pusher-js client to the server on `port`. Channel auth is signed in-process with
 * the SDK; on presence channels the client is user `userId`.
 */
export async function connectClient(port: number, userId = 'anon', userInfo: unknown = { name: userId }): Promise<ClusterClient> {
  const sdk = sdkFor(port)
  const options = clientOptions(port, sdk, '', () => ({ user_id: userId, user_info: userInfo as Record<string, unknown> }))
  const pusher = new Pusher(APP.key, options)
  await waitFor(() => pusher.connection.state === 'connected', { what: `pusher-js to connect to :${port}`, timeoutMs: 15_000 })
  const received: Received[] = []
  let closedResolve: () => void = () => {}
  const closedPromise = new Promise<void>((resolve) => {
    closedResolve = resolve
  })
  pusher.connection.bind('state_change', (s: { current: string }) => {
    if (s.current !== 'connected') closedResolve()
  })
  return {
    pusher,
    received,
    socketId: pusher.connection.socket_id,
    async join(channel) {
      const ch = pusher.subscribe(channel)
      ch.bind_global((event: string, data: unknown) => received.push({ channel, event, data }))
      await waitFor(() => ch.subscribed, { what: `subscription to ${channel} on :${port}` })
    },
    seen: (channel, event) => received.filter((r) => r.channel === channel && r.event === event),
    closed: () => closedPromise,
  }
}

/** Clients of a test's servers, by server index, remembered so `after` can disconnect every one. */
export class ClusterClients {
  readonly #portOf: (server: number) => number
  readonly #all: ClusterClient[] = []

  constructor(portOf: (server: number) => number) {
    this.#portOf = portOf
  }

  /** A pusher-js client connected to server `server` (signed in as `userId` for presence). */
  async connect(server: number, userId?: string): Promise<ClusterClient> {
    const c = await connectClient(this.#portOf(server), userId)
    this.#all.push(c)
    return c
  }

  disconnectAll(): void {
    for (const c of this.#all) c.pusher.disconnect()
  }
}
