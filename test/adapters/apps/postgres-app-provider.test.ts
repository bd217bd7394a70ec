import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client } from 'pg'
import PusherServer from 'pusher'
import { startServer, type HeraldServer } from '../../../src/http/serve.js'
import { RawClient } from '../../e2e/support/raw-client.js'
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js'
import { waitFor } from '../../helpers/wait-for.js'

// The machine's PostgreSQL (trust auth, user postgres), in a schema of this file's own.
const DATABASE = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' }
const SCHEMA = `herald_apps_test_${process.pid}`
const TABLE = `${SCHEMA}.apps`
const TTL_MS = 300

describe('PostgreSQL app provider behind herald serve', () => {
  let admin: Client
  let proxy: TcpProxy
  let server: HeraldServer
  const sockets: RawClient[] = []

  const insert = (id: string, key: string, secret: string, settings: object = {}) =>
    admin.query(`INSERT INTO ${TABLE} (id, key, secret, settings) VALUES ($1, $2, $3, $4)`, [id, key, secret, settings])
  const connect = async (key: string) => {
    const client = await RawClient.connect(server.port, `/app/${key}?protocol=7`)
    sockets.push(client)
    return client
  }
  const api = (secret: string) => new PusherServer({ appId: 'pg-app', key: 'pg-key', secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
  const apiStatus = (secret: string) => api(secret).get({ path: '/channels' }).then((r) => r.status, (err: { status?: number }) => err.status ?? 0)

  before(async () => {
    admin = new Client(DATABASE)
    await admin.connect().catch((err: Error) => {
      throw new Error(`this test needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres, database test): ${err.message}`)
    })
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await admin.query(`CREATE SCHEMA ${SCHEMA}`)
    // The table as the README documents it.
    await admin.query(`CREATE TABLE ${TABLE} (
      id text PRIMARY KEY,
      key text NOT NULL UNIQUE,
      secret text NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}'
    )`)
    await insert('pg-app', 'pg-key', 'secret-1', { activityTimeout: 45 })
    await insert('bad-app', 'bad-key', 'secret', { maxMessageSize: 'huge' })
    proxy = await startTcpProxy(DATABASE)
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`
    server = await startServer({
      env: { HERALD_APP_PROVIDER: 'postgres', HERALD_APPS_DATABASE_URL: url },
      config: { server: { host: '127.0.0.1', port: 0, appProvider: { table: TABLE, cacheTtlMs: TTL_MS } } },
      logger: false,
    })
  })
  after(async () => {
    for (const s of sockets) s.close()
    await server?.close()
    await proxy?.close()
    await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await admin?.end()
  })

  test('apps are found by key (WebSocket) and id (HTTP API) with their settings; unknown or invalid rows are refused with 4001', async () => {
    const client = await connect('pg-key')
    assert.equal(client.frames[0]?.event, 'pusher:connection_established')
    assert.equal(RawClient.data(client.frames[0]).activity_timeout, 45)
    assert.equal(await apiStatus('secret-1'), 200)
    for (const key of ['no-such-key', 'bad-key']) {
      const refused = await connect(key)
      assert.equal(RawClient.data(refused.frames[0]!).code, 4001, key)
      assert.equal((await refused.waitClosed()).code, 4001)
    }
    const unknownApp = new PusherServer({ appId: 'nope', key: 'k', secret: 's', host: '127.0.0.1', port: String(server.port), useTLS: false })
    await assert.rejects(unknownApp.trigger('c', 'e', {}), (err: { status?: number }) => err.status === 404)
  })

  test('a rotated secret takes effect within the cache TTL; the old one stops working', async () => {
    await admin.query(`UPDATE ${TABLE} SET secret = 'secret-2' WHERE id = 'pg-app'`)
    await waitFor(async () => (await apiStatus('secret-2')) === 200, { what: 'the new secret to be accepted', timeoutMs: 5000 })
    assert.equal(await apiStatus('secret-1'), 401)
  })

  test('database down: cached apps are still served, unknown ones refused with 4001, the server keeps running; back up, new apps appear', async (t) => {
    // A second server whose cache entries are stale at once: every lookup asks the database, so what it
    // serves during the outage can only come from the stale cache.
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`
    const stale = await startServer({
      env: {},
      config: { server: { host: '127.0.0.1', port: 0, appProvider: { driver: 'postgres', url, table: TABLE, cacheTtlMs: 0 } } },
      logger: false,
    })
    t.after(() => stale.close())
    const connectTo = async (key: string) => {
      const client = await RawClient.connect(stale.port, `/app/${key}?protocol=7`)
      sockets.push(client)
      return client
    }
    const staleApi = new PusherServer({ appId: 'pg-app', key: 'pg-key', secret: 'secret-2', host: '127.0.0.1', port: String(stale.port), useTLS: false })
    assert.equal((await connectTo('pg-key')).frames[0]?.event, 'pusher:connection_established')
    assert.equal((await staleApi.get({ path: '/channels' })).status, 200)

    await proxy.cut()
    const during = await connectTo('pg-key')
    assert.equal(during.frames[0]?.event, 'pusher:connection_established', 'a cached app is served from the stale cache')
    assert.equal((await staleApi.get({ path: '/channels' })).status, 200, 'its HTTP API too')
    await insert('new-app', 'new-key', 'new-secret')
    const unknown = await connectTo('new-key')
    assert.equal(RawClient.data(unknown.frames[0]!).code, 4001, 'an app never seen is refused while the database is down')
    assert.equal((await fetch(`${stale.url}/up`)).status, 200)

    await proxy.restore()
    await waitFor(async () => (await connectTo('new-key')).frames[0]?.event === 'pusher:connection_established', {
      what: 'the app added during the outage to be served',
      timeoutMs: 10_000,
    })
  })
})

test('the postgres provider without a url, or with a table name that is not an identifier, fails start-up naming the key', async () => {
  await assert.rejects(
    startServer({ env: { HERALD_APP_PROVIDER: 'postgres' }, config: { server: { port: 0 } }, logger: false }),
    /server\.appProvider\.url: is required by the postgres driver \(set HERALD_APPS_DATABASE_URL\)/,
  )
  await assert.rejects(
    startServer({ env: { HERALD_APPS_TABLE: 'apps; DROP TABLE x' }, config: { server: { port: 0 } }, logger: false }),
    /server\.appProvider\.table: .*\(from HERALD_APPS_TABLE\)/,
  )
})
