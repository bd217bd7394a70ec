// End to end through the real Herald plugin: laravel-echo (over pusher-js, ajax auth transport) subscribes to
// private and presence channels; /broadcasting/auth authenticates a Bearer token and runs the ChannelAuthorizer.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import Echo from 'laravel-echo'
import PusherServer from 'pusher'
import { ChannelAuthorizer } from '../../../src/domain/auth/channel-authorizer.js'
import herald from '../../../src/http/index.js'
import { waitFor } from '../../helpers/wait-for.js'
import { Pusher } from '../../e2e/support/pusher-js.js'

const APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const
const MASTER_KEY = randomBytes(32).toString('base64')

interface User {
  id: number
  name: string
  orders: string[]
}
const users = new Map<string, User>([
  ['token-ann', { id: 1, name: 'Ann', orders: ['42'] }],
  ['token-bob', { id: 2, name: 'Bob', orders: [] }],
])

interface SubscriptionError {
  type?: string
  error?: string
  status?: number
}

describe('/broadcasting/auth driven by laravel-echo through the Herald plugin', () => {
  let fastify: FastifyInstance
  let port: number
  let sdk: PusherServer
  const echos: Array<Echo<'pusher'>> = []
  const authRequests: Array<{ authorization: string | undefined; contentType: string | undefined }> = []

  before(async () => {
    const channels = new ChannelAuthorizer<User>()
      .channel('orders.{orderId}', (user, { orderId }) => user.orders.includes(orderId))
      .channel('chat.{room}', (user) => ({ id: user.id, name: user.name }))
      .channel('vault.{id}', (user) => user.id === 1)
    fastify = Fastify({ logger: false })
    await fastify.register(herald, {
      env: {},
      config: { apps: [{ ...APP, encryptionMasterKey: MASTER_KEY }] },
      authorizer: channels,
      authenticate: (request) => {
        authRequests.push({ authorization: request.headers.authorization, contentType: request.headers['content-type'] })
        const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
        return match === null ? null : (users.get(match[1] ?? '') ?? null)
      },
    })
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    const address = fastify.server.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    port = address.port
    sdk = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(port), useTLS: false, timeout: 5000, encryptionMasterKeyBase64: MASTER_KEY })
  })
  after(async () => {
    for (const echo of echos) echo.disconnect()
    await fastify.close()
  })

  async function echoFor(token: string | null): Promise<Echo<'pusher'>> {
    const echo = new Echo({
      broadcaster: 'pusher',
      key: APP.key,
      cluster: 'mt1',
      wsHost: '127.0.0.1',
      wsPort: port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
      authEndpoint: `http://127.0.0.1:${port}/broadcasting/auth`,
      // Fresh header objects: Echo's defaults are one shared object that `bearerToken` mutates, so without
      // these a later Echo instance would inherit an earlier instance's token.
      auth: { headers: {} },
      userAuthentication: { endpoint: `http://127.0.0.1:${port}/broadcasting/user-auth`, transport: 'ajax', headers: {} },
      bearerToken: token,
      // The re-typed pusher-js class (see e2e/support/pusher-js.ts); Echo's typing wants the module namespace.
      Pusher: Pusher as never,
    })
    echos.push(echo)
    await waitFor(() => echo.connector.pusher.connection.state === 'connected', { what: 'echo to connect' })
    return echo
  }

  /** Resolves when the subscription succeeds, rejects with the subscription error Echo's `.error()` sees. */
  function settled(channel: { subscribed(cb: () => void): unknown; error(cb: (e: SubscriptionError) => void): unknown }): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.subscribed(() => resolve())
      channel.error((error) => reject(Object.assign(new Error('subscription error'), { detail: error })))
    })
  }

  async function subscriptionError(promise: Promise<void>): Promise<SubscriptionError> {
    try {
      await promise
    } catch (err) {
      return (err as { detail: SubscriptionError }).detail
    }
    assert.fail('expected the subscription to be refused')
  }

  test('an authorized private subscription (form-encoded, Bearer token) receives events from the pusher SDK', async () => {
    const echo = await echoFor('token-ann')
    const got: unknown[] = []
    const channel = echo.private('orders.42')
    channel.listen('.OrderShipped', (data: unknown) => got.push(data))
    await settled(channel)
    await sdk.trigger('private-orders.42', 'OrderShipped', { order: { id: 42 } })
    await waitFor(() => got.length === 1, { what: 'the private event' })
    assert.deepEqual(got, [{ order: { id: 42 } }])
    const seen = authRequests.find((r) => r.authorization === 'Bearer token-ann')
    assert.equal(seen?.contentType, 'application/x-www-form-urlencoded', 'pusher-js posts the form encoding the route parses')
  })

  test('a denied user gets a 403 subscription error; no token gets 401', async () => {
    const bob = await echoFor('token-bob')
    const denied = await subscriptionError(settled(bob.private('orders.42')))
    assert.equal(denied.status, 403)
    const anonymous = await echoFor(null)
    const unauthenticated = await subscriptionError(settled(anonymous.private('orders.42')))
    assert.equal(unauthenticated.status, 401)
    // The refused sockets are still usable: Bob can join a channel he is allowed on.
    await settled(bob.join('chat.side-room'))
  })

  test('presence: here/joining/leaving carry the member info the channel rule returned', async () => {
    const ann = await echoFor('token-ann')
    const here: Array<Array<{ id: number; name: string }>> = []
    const joined: Array<{ id: number; name: string }> = []
    const left: Array<{ id: number; name: string }> = []
    const lobby = ann.join('chat.lobby').here((members: Array<{ id: number; name: string }>) => here.push(members))
    lobby.joining((member: { id: number; name: string }) => joined.push(member))
    lobby.leaving((member: { id: number; name: string }) => left.push(member))
    await waitFor(() => here.length === 1, { what: "Ann's here() roster" })

    const bob = await echoFor('token-bob')
    bob.join('chat.lobby')
    await waitFor(() => joined.length === 1, { what: 'Bob joining' })
    assert.deepEqual(joined, [{ id: 2, name: 'Bob' }])
    bob.leave('chat.lobby')
    await waitFor(() => left.length === 1, { what: 'Bob leaving' })
    assert.deepEqual(left, [{ id: 2, name: 'Bob' }])
  })

  test('an encrypted private channel: the shared_secret from /broadcasting/auth decrypts what the SDK encrypted', async () => {
    const echo = await echoFor('token-ann')
    const got: unknown[] = []
    const channel = echo.encryptedPrivate('vault.7')
    channel.listen('.Secret', (data: unknown) => got.push(data))
    await settled(channel)
    await sdk.trigger('private-encrypted-vault.7', 'Secret', { code: 'opensesame' })
    await waitFor(() => got.length === 1, { what: 'the decrypted event' })
    assert.deepEqual(got, [{ code: 'opensesame' }])
  })
})
