// Apps that exist only as PostgreSQL rows, served to Socket.IO clients and given their webhooks: the Socket.IO
// endpoint looks `appKey` up in the app provider, and the lifecycle finds a row's webhook targets.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import Echo from 'laravel-echo'
import { Client } from 'pg'
import PusherServer from 'pusher'
import { io, type Socket } from 'socket.io-client'
import { startServer, type HeraldServer } from '../../src/http/serve.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { createAppsTable } from '../helpers/postgres-apps-table.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'

const DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `herald_pg_apps_e2e_${process.pid}`
const TABLE = `${SCHEMA}.apps`
/** Only in the table: the config's one app is the default `app-id`/`app-key`. */
const PG_APP = { appId: 'pg-only', key: 'pg-only-key', secret: 'pg-only-secret' }
const STRICT_ORIGIN = 'https://strict.example'

interface Refusal {
  readonly message: string
  readonly data?: { readonly code: number }
}

/** The application's auth endpoint (HERALD_SOCKETIO_AUTH_URL): signs with the PG app's own secret, as its Laravel app would. */
async function startAuthEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const sdk = new PusherServer({ appId: PG_APP.appId, key: PG_APP.key, secret: PG_APP.secret, cluster: 'mt1' })
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      const channel = form.get('channel_name') ?? ''
      const member = channel.startsWith('presence-') ? { user_id: 'ann', user_info: { name: 'Ann' } } : undefined
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sdk.authorizeChannel(form.get('socket_id') ?? '', channel, member)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('auth endpoint: no address')
  return { url: `http://127.0.0.1:${address.port}/broadcasting/auth`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

describe('PostgreSQL-only apps: Socket.IO clients and webhooks', () => {
  let admin: Client
  let proxy: TcpProxy
  let server: HeraldServer
  let receiver: WebhookReceiver
  let auth: { url: string; close: () => Promise<void> }
  const sockets: Socket[] = []

  const connect = (port: number, appKey: string | undefined, extra: Parameters<typeof io>[1] = {}): Socket => {
    const socket = io(`http://127.0.0.1:${port}`, { forceNew: true, reconnection: false, transports: ['websocket'], ...(appKey === undefined ? {} : { query: { appKey } }), ...extra })
    sockets.push(socket)
    return socket
  }
  const connected = (socket: Socket): Promise<void> =>
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', (err) => reject(err))
    })
  const refusal = (socket: Socket): Promise<Refusal> => new Promise((resolve) => socket.once('connect_error', (err) => resolve(err as unknown as Refusal)))
  const api = (port: number) => new PusherServer({ ...PG_APP, host: '127.0.0.1', port: String(port), useTLS: false })

  before(async () => {
    admin = await createAppsTable(SCHEMA, DATABASE_URL)
    receiver = await startWebhookReceiver(PG_APP)
    auth = await startAuthEndpoint()
    const insert = (id: string, key: string, secret: string, settings: object) =>
      admin.query(`INSERT INTO ${TABLE} (id, key, secret, settings) VALUES ($1, $2, $3, $4)`, [id, key, secret, settings])
    await insert(PG_APP.appId, PG_APP.key, PG_APP.secret, { webhooks: [{ url: receiver.url }], subscriptionCount: true })
    await insert('pg-strict', 'pg-strict-key', 'strict-secret', { allowedOrigins: [STRICT_ORIGIN] })
    const target = new URL(DATABASE_URL)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    target.host = `127.0.0.1:${proxy.port}`
    server = await startServer({
      env: { HERALD_APP_PROVIDER: 'postgres', HERALD_APPS_DATABASE_URL: target.toString(), HERALD_SOCKETIO: 'true', HERALD_SOCKETIO_AUTH_URL: auth.url },
      // A cache that is stale at once: every lookup asks the database, so what an outage serves comes from the stale cache.
      config: { server: { host: '127.0.0.1', port: 0, appProvider: { table: TABLE, cacheTtlMs: 0 } } },
      logger: false,
    })
  })
  after(async () => {
    for (const s of sockets) s.disconnect()
    await server?.close()
    await proxy?.close()
    await receiver?.close()
    await auth?.close()
    await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await admin?.end()
  })

  test('a Socket.IO client of a PostgreSQL-only app subscribes and receives an event published through its HTTP API', async () => {
    const socket = connect(server.port, PG_APP.key)
    await connected(socket)
    assert.deepEqual(await socket.emitWithAck('subscribe', { channel: 'news' }), { ok: true })
    const got: unknown[] = []
    socket.on('Headline', (channel: string, data: unknown) => got.push([channel, data]))
    await api(server.port).trigger('news', 'Headline', { title: 'from a row' })
    await waitFor(() => got.length === 1, { what: 'the event on the PostgreSQL app\'s Socket.IO client' })
    assert.deepEqual(got, [['news', { title: 'from a row' }]])

    // Laravel Echo's socket.io connector passes its options (query included) to socket.io-client.
    const echo = new Echo<'socket.io'>({ broadcaster: 'socket.io', host: `http://127.0.0.1:${server.port}`, client: io, forceNew: true, query: { appKey: PG_APP.key } } as never)
    try {
      const heard: unknown[] = []
      echo.channel('orders').listen('.OrderShipped', (e: unknown) => heard.push(e))
      await waitFor(async () => (await api(server.port).get({ path: '/channels/orders' }).then((r) => r.json() as Promise<{ occupied: boolean }>)).occupied, { what: 'Echo to join orders' })
      await api(server.port).trigger('orders', 'OrderShipped', { id: 42 })
      await waitFor(() => heard.length === 1, { what: 'the event on Echo' })
      assert.deepEqual(heard, [{ id: 42 }])
    } finally {
      echo.disconnect()
    }
  })

  test('its webhooks (channel_occupied, member_added, subscription_count) are delivered, signed with the row\'s key and secret', async () => {
    const socket = connect(server.port, PG_APP.key)
    await connected(socket)
    assert.deepEqual(await socket.emitWithAck('subscribe', { channel: 'presence-room' }), { ok: true })
    await waitFor(() => receiver.named('member_added', 'presence-room').length === 1, { what: 'member_added for the PostgreSQL app' })
    await waitFor(() => receiver.named('channel_occupied', 'presence-room').length === 1, { what: 'channel_occupied for presence-room' })
    assert.deepEqual(receiver.named('member_added', 'presence-room'), [{ name: 'member_added', channel: 'presence-room', user_id: 'ann' }])
    assert.deepEqual(receiver.named('channel_occupied', 'news'), [{ name: 'channel_occupied', channel: 'news' }], 'the first test\'s channel too')
    await waitFor(() => receiver.named('subscription_count', 'news').length > 0, { what: 'the row\'s subscriptionCount: true counting news' })
    assert.equal(receiver.named('subscription_count', 'presence-room').length, 0, 'presence channels are not counted')
    assert.ok(receiver.received.length > 0)
    for (const r of receiver.received) {
      assert.equal(r.valid, true, 'the pusher SDK validates it with the row\'s secret')
      assert.equal(r.headers['x-pusher-key'], PG_APP.key)
    }
  })

  test('an unknown appKey is refused with connect_error 4001 naming the key; the server keeps serving', async () => {
    const unknown = connect(server.port, 'no-such-key')
    const refused = await refusal(unknown)
    assert.equal(refused.data?.code, 4001)
    assert.match(refused.message, /App key "no-such-key" does not exist/)
    const polling = connect(server.port, 'no-such-key', { transports: ['polling'] })
    assert.equal((await refusal(polling)).data?.code, 4001, 'over long-polling too')
    const again = connect(server.port, PG_APP.key)
    await connected(again)
  })

  test('CORS of the polling transport follows the row\'s allowedOrigins; its origin check refuses others with 4009', async () => {
    const handshake = (appKey: string, origin: string) =>
      fetch(`${server.url}/socket.io/?EIO=4&transport=polling&appKey=${appKey}`, { headers: { origin } }).then((r) => r.headers.get('access-control-allow-origin'))
    assert.equal(await handshake('pg-strict-key', STRICT_ORIGIN), STRICT_ORIGIN)
    assert.equal(await handshake('pg-strict-key', 'https://evil.example'), null)
    assert.equal(await handshake('no-such-key', STRICT_ORIGIN), null)
    assert.equal(await handshake(PG_APP.key, 'https://any.example'), 'https://any.example', 'allowedOrigins ["*"] (the default) reflects any origin')
    const other = connect(server.port, 'pg-strict-key', { extraHeaders: { origin: 'https://evil.example' } })
    assert.equal((await refusal(other)).data?.code, 4009)
  })

  test('database down: a Socket.IO client of a cached app connects and its webhooks still go out; an unknown app is refused with 4001', async () => {
    await proxy.cut()
    try {
      const during = connect(server.port, PG_APP.key)
      await connected(during)
      assert.deepEqual(await during.emitWithAck('subscribe', { channel: 'during-outage' }), { ok: true })
      await waitFor(() => receiver.named('channel_occupied', 'during-outage').length === 1, { what: 'channel_occupied while the database is down' })
      await admin.query(`INSERT INTO ${TABLE} (id, key, secret) VALUES ('late', 'late-key', 'late-secret')`)
      assert.equal((await refusal(connect(server.port, 'late-key'))).data?.code, 4001, 'an app never seen is refused while the database is down')
    } finally {
      await proxy.restore()
    }
    await waitFor(async () => {
      const late = connect(server.port, 'late-key')
      return connected(late).then(() => true, () => false)
    }, { what: 'the app added during the outage to be served', timeoutMs: 10_000 })
  })
})
