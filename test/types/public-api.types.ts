/**
 * Type tests of the public API, checked by the type check `npm test` runs first (this file is not executed).
 * `Expect<Equal<A, B>>` fails to compile when an inferred type drifts, and every `@ts-expect-error` fails when
 * the misuse below it starts to compile.
 */
import Fastify from 'fastify'
import { BroadcastEvent, Broadcasting, ChannelAuthorizer, ChannelPattern, PrivateChannel, defineConfig, type ChannelParams } from '../../src/index.js'
import herald, { type HeraldFacade } from '../../src/http/index.js'
import { BroadcasterFake } from '../../src/testing/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

// Channel patterns: the parameters of a pattern are its placeholders, as strings.
export type PatternParams = Expect<Equal<ChannelParams<'orders.{orderId}.items.{itemId}'>, { orderId: string; itemId: string }>>
export type AnyPatternParams = Expect<Equal<ChannelParams, Record<string, string>>>

interface User {
  readonly id: number
  readonly orderIds: readonly string[]
}

export const channels = new ChannelAuthorizer<User>({ key: 'k', secret: 's' })
  .channel('orders.{orderId}', (user, params) => {
    type _User = Expect<Equal<typeof user, User>>
    type _Params = Expect<Equal<typeof params, { orderId: string }>>
    // @ts-expect-error -- not a placeholder of this pattern
    void params.itemId
    return user.orderIds.includes(params.orderId)
  })
  .channel('chat.{roomId}', { join: (user: User, { roomId }: { roomId: string }) => ({ id: user.id, room: roomId }) })
  .channel('async.{id}', async () => true)

// @ts-expect-error -- a rule returns a boolean or member info, not a string
channels.channel('bad.{id}', () => 'yes')

export const formatted: string = ChannelPattern.compile('orders.{orderId}.items.{itemId}').format({ orderId: 1, itemId: 'b' })
// @ts-expect-error -- every placeholder must be given
ChannelPattern.compile('orders.{orderId}.items.{itemId}').format({ orderId: 1 })

class OrderShipped extends BroadcastEvent {
  readonly orderId: number

  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }

  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
}

// The fake narrows the predicate's event to the class asserted on.
const fake = BroadcasterFake.install(new Broadcasting({ default: 'main', connections: { main: new BroadcasterFake() } }))
fake.assertBroadcasted(OrderShipped, (event) => {
  type _Event = Expect<Equal<typeof event, OrderShipped>>
  return event.orderId === 1
})
fake.assertBroadcasted('OrderShipped', (message) => message.channels.length > 0)

// The Fastify plugin decorates the instance with `herald` and each request with `socketId`.
const app = Fastify()
await app.register(herald, { authenticate: (request) => (request.headers.authorization === undefined ? null : { id: 1 }) })
export type Facade = Expect<Equal<typeof app.herald, HeraldFacade>>
app.post('/orders/:id/ship', async (request) => {
  type _SocketId = Expect<Equal<typeof request.socketId, string | null>>
  await app.herald.broadcasting.event(new OrderShipped(1)).toOthers(request.socketId)
  // Anonymous broadcasts: queued by send() or awaiting, sent at once by sendNow(); a hold takes them unawaited.
  const sentNow: Promise<void> = app.herald.broadcasting.private('orders.1').broadcast('Shipped').toOthers(request.socketId).sendNow()
  await sentNow
  await app.herald.broadcasting.channel('orders').onQueue('priority').onConnection('bullmq').send()
  await app.herald.broadcasting.hold().event(app.herald.broadcasting.channel('orders'))
  // @ts-expect-error -- a hold takes the target of an event, not of an anonymous broadcast (it carries its own)
  await app.herald.broadcasting.hold().event(app.herald.broadcasting.channel('orders'), { socketId: '1.2' })
  return { ok: true }
})
// @ts-expect-error -- plugin options are checked: no such option
await app.register(herald, { authPrefixx: '/x' })

// In-process lifecycle hooks: the listener's event is narrowed by the name; unknown names are refused.
const offHook = app.herald.on('member_added', (event) => {
  type _Member = Expect<Equal<typeof event.userId, string>>
})
offHook()
app.herald.on('client_event', (event) => {
  type _Sender = Expect<Equal<typeof event.userId, string | undefined>>
})
// @ts-expect-error -- not a lifecycle event
app.herald.on('channel_existence', () => {})
// defineConfig: a config file is checked as it is written; misspelt keys and wrong types do not compile.
defineConfig({ apps: [{ id: 'a', key: 'k', secret: 's', maxApiRequestsPerSecond: 100 }], server: { port: 6001, tls: { cert: 'c.pem' } } })
// @ts-expect-error -- a misspelt server key
defineConfig({ server: { prot: 6001 } })
// @ts-expect-error -- a limit of the wrong type
defineConfig({ apps: [{ id: 'a', key: 'k', secret: 's', maxConnectionsPerIpPerSecond: '10' }] })
