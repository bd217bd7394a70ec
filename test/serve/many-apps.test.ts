import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import PusherServer from 'pusher'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { clientOptions } from '../e2e/support/start-herald.js'
import { Pusher } from '../e2e/support/pusher-js.js'
import { RawClient } from '../e2e/support/raw-client.js'
import { waitFor } from '../helpers/wait-for.js'

// Two apps in one `herald serve`, as a config file lists them: nothing of one reaches the other.
const A = { id: 'app-a', key: 'key-a', secret: 'secret-a' }
const B = { id: 'app-b', key: 'key-b', secret: 'secret-b', maxConnections: 1, clientEvents: false }

describe('many apps in one server', () => {
  let server: HeraldServer
  const clients: Pusher[] = []
  const sdk = (app: { id: string; key: string; secret: string }, secret = app.secret) =>
    new PusherServer({ appId: app.id, key: app.key, secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
  const connect = async (app: typeof A) => {
    const client = new Pusher(app.key, clientOptions(server.port, sdk(app)))
    clients.push(client)
    await waitFor(() => client.connection.state === 'connected', { what: `a client of ${app.id} to connect` })
    return client
  }

  before(async () => {
    server = await startServer({ env: {}, config: { apps: [A, B], server: { host: '127.0.0.1', port: 0 } }, logger: false })
  })
  after(async () => {
    for (const c of clients) c.disconnect()
    await server.close()
  })

  test('an event published to app A reaches A’s subscribers only, on the same channel name', async () => {
    const a = await connect(A)
    const b = await connect(B)
    const gotA: unknown[] = []
    const gotB: unknown[] = []
    a.subscribe('orders').bind('shipped', (d: unknown) => gotA.push(d))
    b.subscribe('orders').bind('shipped', (d: unknown) => gotB.push(d))
    await waitFor(() => a.channel('orders')?.subscribed && b.channel('orders')?.subscribed, { what: 'both subscriptions' })
    await sdk(A).trigger('orders', 'shipped', { to: 'a' })
    await sdk(B).trigger('orders', 'shipped', { to: 'b' })
    await waitFor(() => gotA.length === 1 && gotB.length === 1, { what: 'one event on each app' })
    // A third event on A proves B got nothing late from A: it arrives at A after B's own event.
    await sdk(A).trigger('orders', 'shipped', { to: 'a2' })
    await waitFor(() => gotA.length === 2, { what: 'the second event of A' })
    assert.deepEqual(gotA, [{ to: 'a' }, { to: 'a2' }])
    assert.deepEqual(gotB, [{ to: 'b' }])
    a.disconnect()
    b.disconnect()
  })

  test('A’s secret never authorizes B’s HTTP API; channel listings are per app', async () => {
    const a = await connect(A)
    a.subscribe('only-in-a')
    await waitFor(() => a.channel('only-in-a')?.subscribed, { what: 'the subscription on A' })
    const listA = await sdk(A).get({ path: '/channels' })
    assert.deepEqual(Object.keys(((await listA.json()) as { channels: object }).channels), ['only-in-a'])
    const listB = await sdk(B).get({ path: '/channels' })
    assert.deepEqual(((await listB.json()) as { channels: object }).channels, {})
    // B's id and key, signed with A's secret: refused.
    await assert.rejects(sdk(B, A.secret).trigger('orders', 'x', {}), (err: { status?: number }) => err.status === 401)
    // A's key and secret against B's id: refused too (the key must be B's).
    const crossed = new PusherServer({ appId: B.id, key: A.key, secret: A.secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
    await assert.rejects(crossed.trigger('orders', 'x', {}), (err: { status?: number }) => err.status === 401)
    a.disconnect()
  })

  test('limits are per app: B’s maxConnections 1 refuses its second client (4004) while A takes more', async () => {
    const first = await RawClient.connect(server.port, `/app/${B.key}?protocol=7`)
    assert.equal(first.frames[0]?.event, 'pusher:connection_established')
    const second = await RawClient.connect(server.port, `/app/${B.key}?protocol=7`)
    assert.equal((await second.waitClosed()).code, 4004)
    const onA = [await RawClient.connect(server.port, `/app/${A.key}?protocol=7`), await RawClient.connect(server.port, `/app/${A.key}?protocol=7`)]
    for (const c of onA) assert.equal(c.frames[0]?.event, 'pusher:connection_established')
    for (const c of [first, ...onA]) c.close()
    await Promise.all([first, ...onA].map((c) => c.waitClosed()))
  })

  test('client events are per app: B disables them (4301), A relays them', async () => {
    const sender = await connect(A)
    const receiver = await connect(A)
    const got: unknown[] = []
    const channel = sender.subscribe('private-chat')
    receiver.subscribe('private-chat').bind('client-typing', (d: unknown) => got.push(d))
    await waitFor(() => channel.subscribed && receiver.channel('private-chat')?.subscribed, { what: 'private subscriptions on A' })
    channel.trigger('client-typing', { who: 'a' })
    await waitFor(() => got.length === 1, { what: 'the whisper on A' })
    sender.disconnect()
    receiver.disconnect()

    const b = await connect(B)
    const errors: { code?: number }[] = []
    b.connection.bind('error', (e: { data?: { code?: number } }) => errors.push(e.data ?? {}))
    const onB = b.subscribe('private-chat')
    await waitFor(() => onB.subscribed, { what: 'the private subscription on B' })
    onB.trigger('client-typing', { who: 'b' })
    await waitFor(() => errors.some((e) => e.code === 4301), { what: 'a 4301 refusal on B' })
    b.disconnect()
  })
})
