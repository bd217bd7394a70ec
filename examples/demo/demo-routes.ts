import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ModelEventOccurred } from '../../src/index.js' // in an app: 'herald'
import { ChatMessageSent, FeedPosted, publicUser, UserNotified } from './demo-events.js'
import { DEMO_USERS, findDemoUser, type DemoTokens, type DemoUser } from './demo-users.js'
import type { FeedStore } from './feed-store.js'

/** What the demo routes need from the app. */
export interface DemoRoutesOptions {
  readonly tokens: DemoTokens
  readonly feed: FeedStore
  /** The Pusher app key the page connects with. */
  readonly appKey: string
  /** The presence room the page joins. */
  readonly roomId: string
}

const textBody = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: { text: { type: 'string', minLength: 1, maxLength: 200 } },
} as const

/**
 * The demo's own application routes: a demo login, the feed, notifications and chat.
 * Every route that acts for a user reads the user from the signed token, never from the body.
 */
export async function demoRoutes(app: FastifyInstance, options: DemoRoutesOptions): Promise<void> {
  const { tokens, feed, appKey, roomId } = options
  const currentUser = (request: FastifyRequest, reply: FastifyReply): DemoUser | null => {
    const user = tokens.verify(request.headers.authorization)
    if (user === null) void reply.code(401).send({ message: 'sign in as a demo user first' })
    return user
  }

  app.get('/demo/config', async () => ({ appKey, roomId, users: DEMO_USERS.map(publicUser) }))

  // The demo's stand-in for a real login form: pick an account, get a signed token.
  app.post<{ Body: { username: string } }>(
    '/demo/login',
    { schema: { body: { type: 'object', required: ['username'], properties: { username: { type: 'string' } } } } },
    async (request, reply) => {
      const user = findDemoUser({ username: request.body.username })
      if (user === undefined) return reply.code(404).send({ message: `no demo user '${request.body.username}'` })
      return { token: tokens.issue(user), user: publicUser(user) }
    },
  )

  app.get('/demo/me', async (request, reply) => {
    const user = currentUser(request, reply)
    return user === null ? reply : { user: publicUser(user) }
  })

  app.get('/demo/feed', async () => ({ items: feed.latest() }))

  // Dispatched, not broadcast directly: the feed listener stores the post, then Herald broadcasts it.
  app.post<{ Body: { text: string } }>('/demo/feed', { schema: { body: textBody } }, async (request, reply) => {
    const user = currentUser(request, reply)
    if (user === null) return reply
    const event = new FeedPosted({ id: randomUUID(), author: publicUser(user), text: request.body.text, at: Date.now() })
    await app.herald.events.dispatch(event)
    return reply.code(201).send({ post: event.broadcastWith() })
  })

  // A model event, Laravel's BroadcastsEvents way: the post "model" changed, so PostUpdated goes to
  // private-App.Models.Post.{id} with { model }, which pages showing the post listen to (Echo's useEchoModel).
  app.post<{ Params: { id: string } }>('/demo/feed/:id/like', async (request, reply) => {
    const user = currentUser(request, reply)
    if (user === null) return reply
    const post = feed.like(request.params.id)
    if (post === undefined) return reply.code(404).send({ message: `no post '${request.params.id}'` })
    await app.herald.broadcasting.event(new ModelEventOccurred({ name: 'Post', key: post.id, attributes: { ...post } }, 'updated'))
    return reply.code(202).send({ likes: post.likes })
  })

  app.post<{ Body: { to: number } }>(
    '/demo/notify',
    { schema: { body: { type: 'object', required: ['to'], properties: { to: { type: 'integer' } } } } },
    async (request, reply) => {
      const user = currentUser(request, reply)
      if (user === null) return reply
      const recipient = findDemoUser({ id: request.body.to })
      if (recipient === undefined) return reply.code(404).send({ message: `no demo user with id ${request.body.to}` })
      await app.herald.broadcasting.event(new UserNotified(recipient.id, publicUser(user), `${user.name} says hi!`))
      return reply.code(202).send({ sent: true })
    },
  )

  // toOthers: the sender's page already shows the message, so its own socket is left out.
  app.post<{ Body: { text: string } }>('/demo/chat', { schema: { body: textBody } }, async (request, reply) => {
    const user = currentUser(request, reply)
    if (user === null) return reply
    const broadcast = app.herald.broadcasting.event(new ChatMessageSent(roomId, publicUser(user), request.body.text))
    if (request.socketId !== null) broadcast.toOthers(request.socketId)
    await broadcast
    return reply.code(202).send({ sent: true })
  })
}
