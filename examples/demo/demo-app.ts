import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import herald from '../../src/http/index.js' // in an app: 'herald/fastify'
import { FeedPosted, publicUser } from './demo-events.js'
import { demoRoutes } from './demo-routes.js'
import { DemoTokens, type DemoUser } from './demo-users.js'
import { FeedStore } from './feed-store.js'
import { staticAssets } from './static-assets.js'

/** The one presence room of the demo page. */
export const DEMO_ROOM_ID = 'lobby'

/** The Pusher app the demo serves. The secret is random per process: nothing to leak, nothing to configure. */
const DEMO_APP = { id: 'herald-demo', key: 'herald-demo-key' } as const

export interface DemoAppOptions {
  /** Fastify's logger. @default false */
  readonly logger?: boolean
}

/**
 * The demo application: a plain Fastify app that mounts `herald/fastify` (local driver, no Redis)
 * the way a user's own app would, plus the page and a few app routes.
 */
export async function buildDemoApp(options: DemoAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false })
  const tokens = new DemoTokens()
  const feed = new FeedStore()

  // Herald asks the app who the user is; the demo answers from its signed bearer token.
  await app.register(herald, {
    config: { apps: [{ ...DEMO_APP, secret: randomBytes(32).toString('hex') }] },
    authenticate: (request) => tokens.verify(request.headers.authorization),
  })

  // Who may join what. Patterns are written without the private-/presence- prefix, as in Laravel.
  app.herald.channels
    .channel('user.{id}', (user: DemoUser, { id }) => String(user.id) === id)
    .channel('room.{roomId}', (user: DemoUser, { roomId }) => (roomId === DEMO_ROOM_ID ? publicUser(user) : false))
    // Model channels (Laravel's App.Models.Post.{id}): every signed-in demo user may watch a post.
    .channel('App.Models.Post.{id}', () => true)

  // Listeners run before the automatic broadcast: the post is stored before any page hears of it.
  app.herald.events.listen(FeedPosted, (event) => feed.add(event))

  await app.register(staticAssets)
  // The key pages connect with: whatever Herald ended up serving for the demo app.
  const appKey = app.herald.apps.byId(DEMO_APP.id)?.key ?? DEMO_APP.key
  await app.register(demoRoutes, { tokens, feed, appKey, roomId: DEMO_ROOM_ID })
  return app
}

/** A running demo: the app and the URL to open. */
export interface RunningDemo {
  readonly app: FastifyInstance
  readonly url: string
}

/** Builds and starts the demo. `port: 0` picks a free port (tests). */
export async function startDemo(options: DemoAppOptions & { port?: number; host?: string } = {}): Promise<RunningDemo> {
  const app = await buildDemoApp(options)
  await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' })
  const { address, port } = app.server.address() as AddressInfo
  return { app, url: `http://${address}:${port}/` }
}
