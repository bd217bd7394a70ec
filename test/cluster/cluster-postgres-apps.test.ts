// A PostgreSQL-only app's departure, reaped by a server that never saw the app: its lifecycle looks the app up
// once (the events wait for it), then the member_removed goes out with the row's webhooks and secret.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Client } from 'pg'
import PusherServer from 'pusher'
import { Pusher } from '../e2e/support/pusher-js.js'
import { clientOptions } from '../e2e/support/start-herald.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { createAppsTable } from '../helpers/postgres-apps-table.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

const DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `herald_pg_cluster_${process.pid}`
const TABLE = `${SCHEMA}.apps`
const PREFIX = `pgcl${process.pid}_`
const PG_APP = { appId: 'pg-cluster', key: 'pg-cluster-key', secret: 'pg-cluster-secret' }
/** A reaped departure: heartbeat TTL, the 3 s delay and a sweep, on a loaded machine. */
const REAP_WAIT_MS = 30_000

let admin: Client
let redis: TestRedis
let receiver: WebhookReceiver
let servers: HeraldProcess[] = []
let pusher: Pusher | undefined

before(async () => {
  admin = await createAppsTable(SCHEMA, DATABASE_URL)
  receiver = await startWebhookReceiver(PG_APP)
  await admin.query(`INSERT INTO ${TABLE} (id, key, secret, settings) VALUES ($1, $2, $3, $4)`, [PG_APP.appId, PG_APP.key, PG_APP.secret, { webhooks: [{ url: receiver.url }] }])
  redis = await startRedis()
  const env = { REDIS_PREFIX: PREFIX, HERALD_APP_PROVIDER: 'postgres', HERALD_APPS_DATABASE_URL: DATABASE_URL, HERALD_APPS_TABLE: TABLE }
  servers = await Promise.all([0, 1].map(() => spawnHerald(redis.url, env)))
})
after(async () => {
  pusher?.disconnect()
  await Promise.all(servers.map((s) => s.stop()))
  await Promise.all([redis?.stop(), receiver?.close()])
  await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
  await admin?.end()
})

test('a SIGKILLed server\'s member of a PostgreSQL-only app is reaped by a server that never saw the app: member_removed is delivered, signed with the row\'s secret', async () => {
  const [reaper, doomed] = servers as [HeraldProcess, HeraldProcess]
  const sdk = new PusherServer({ ...PG_APP, host: '127.0.0.1', port: String(doomed.port), useTLS: false })
  pusher = new Pusher(PG_APP.key, clientOptions(doomed.port, sdk, '', () => ({ user_id: 'dee', user_info: {} })))
  const channel = pusher.subscribe('presence-reaped')
  await waitFor(() => channel.subscribed, { what: 'the presence subscription on the doomed server', timeoutMs: 15_000 })
  await waitFor(() => receiver.named('member_added', 'presence-reaped').length === 1, { what: 'member_added' })

  await doomed.kill()
  await waitFor(() => receiver.named('member_removed', 'presence-reaped').length === 1, { what: 'member_removed from the reaper', timeoutMs: REAP_WAIT_MS })
  await waitFor(() => receiver.named('channel_vacated', 'presence-reaped').length === 1, { what: 'channel_vacated from the reaper', timeoutMs: REAP_WAIT_MS })
  assert.deepEqual(receiver.named('member_removed', 'presence-reaped'), [{ name: 'member_removed', channel: 'presence-reaped', user_id: 'dee' }])
  assert.ok(receiver.received.every((r) => r.valid && r.headers['x-pusher-key'] === PG_APP.key), 'every request passes the SDK\'s check with the row\'s secret')
  assert.ok((await reaper.up())?.status === 'ok')
})
