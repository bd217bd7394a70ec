import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { freePort } from '../helpers/free-port.js'
import { waitFor } from '../helpers/wait-for.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'
import type { Pusher } from './support/pusher-js.js'
import { APP, clientOptions, startHerald, type TestHerald } from './support/start-herald.js'

const SDK_APP = { appId: APP.id, key: APP.key, secret: APP.secret }
/** Departures wait about 3 s; a wait for one allows for that on a loaded machine. */
const DEPARTURE_WAIT_MS = 15_000

async function join(pusher: Pusher, name: string): Promise<void> {
  const channel = pusher.subscribe(name)
  await waitFor(() => channel.subscribed, { what: `subscription to ${name}` })
}

/** A pusher-js client of `server` that joins presence channels as `userId`. */
function member(server: TestHerald, userId: string): Promise<Pusher> {
  return server.client(clientOptions(server.port, server.sdk, '', () => ({ user_id: userId, user_info: { name: userId } })))
}

describe('webhooks from one server to real receivers, validated by the pusher SDK', () => {
  let server: TestHerald
  let all: WebhookReceiver
  let ordersOccupied: WebhookReceiver
  let vip: WebhookReceiver
  before(async () => {
    all = await startWebhookReceiver(SDK_APP)
    ordersOccupied = await startWebhookReceiver(SDK_APP)
    vip = await startWebhookReceiver(SDK_APP)
    server = await startHerald({
      config: {
        apps: [{
          ...APP,
          webhooks: [
            { url: all.url },
            { url: ordersOccupied.url, eventTypes: ['channel_occupied'], filter: { channelNameStartsWith: 'orders.' } },
            { url: vip.url, filter: { channelNameEndsWith: '.vip' }, headers: { 'X-Token': 'shh' } },
          ],
        }],
      },
    })
  })
  after(async () => {
    await server.close()
    await Promise.all([all, ordersOccupied, vip].map((r) => r.close()))
  })

  test('every event type arrives with Pusher\'s body and headers, and every request passes webhook().isValid()', async () => {
    const ann = await member(server, 'ann')
    await join(ann, 'orders')
    await waitFor(() => all.named('channel_occupied', 'orders').length === 1, { what: 'channel_occupied for orders' })

    await join(ann, 'presence-room')
    await waitFor(() => all.named('member_added', 'presence-room').length === 1, { what: 'member_added for presence-room' })
    assert.deepEqual(all.named('member_added', 'presence-room'), [{ name: 'member_added', channel: 'presence-room', user_id: 'ann' }])

    await join(ann, 'private-chat')
    ann.channel('presence-room')?.trigger('client-typing', { on: true })
    ann.channel('private-chat')?.trigger('client-note', { n: 1 })
    await waitFor(() => all.named('client_event').length === 2, { what: 'two client_event webhooks' })
    const socketId = ann.connection.socket_id
    assert.deepEqual(all.named('client_event', 'presence-room'), [
      { name: 'client_event', channel: 'presence-room', event: 'client-typing', data: '{"on":true}', socket_id: socketId, user_id: 'ann' },
    ])
    assert.deepEqual(all.named('client_event', 'private-chat'), [{ name: 'client_event', channel: 'private-chat', event: 'client-note', data: '{"n":1}', socket_id: socketId }])

    await join(ann, 'cache-prices')
    await waitFor(() => all.named('cache_miss', 'cache-prices').length === 1, { what: 'cache_miss for cache-prices' })

    ann.unsubscribe('orders')
    ann.unsubscribe('presence-room')
    await waitFor(() => all.named('channel_vacated', 'presence-room').length === 1, { what: 'channel_vacated for presence-room', timeoutMs: DEPARTURE_WAIT_MS })
    assert.equal(all.named('channel_vacated', 'orders').length, 1)
    assert.deepEqual(all.named('member_removed', 'presence-room'), [{ name: 'member_removed', channel: 'presence-room', user_id: 'ann' }])

    assert.deepEqual(all.named('subscription_count'), [], 'the app does not count subscriptions')
    assert.ok(all.received.length > 0)
    for (const r of all.received) {
      assert.equal(r.valid, true, `the SDK rejected ${r.rawBody}`)
      assert.equal(r.headers['content-type'], 'application/json')
      assert.equal(r.headers['x-pusher-key'], APP.key)
      assert.equal(typeof (JSON.parse(r.rawBody) as { time_ms: unknown }).time_ms, 'number')
    }
  })

  test('a reload within the delay sends nothing: no member_removed, no channel_vacated, no second member_added', async () => {
    const first = await member(server, 'bo')
    await join(first, 'presence-reload')
    await join(first, 'reload-marker')
    await waitFor(() => all.named('member_added', 'presence-reload').length === 1, { what: 'member_added for bo' })
    const reloaded = await member(server, 'bo')
    first.disconnect()
    await join(reloaded, 'presence-reload')
    // The first tab is gone on the server before the marker channel is left, so its departure was seen first.
    await waitFor(async () => (await server.app.herald.hub.channel(APP.id, 'presence-reload')).subscriptionCount === 1, { what: 'the first tab to be gone' })
    await waitFor(async () => !(await server.app.herald.hub.channel(APP.id, 'reload-marker')).occupied, { what: 'reload-marker to be left' })
    await waitFor(() => all.named('channel_vacated', 'reload-marker').length === 1, { what: 'the marker channel_vacated', timeoutMs: DEPARTURE_WAIT_MS })
    assert.equal(all.named('member_added', 'presence-reload').length, 1)
    assert.equal(all.named('member_removed', 'presence-reload').length, 0)
    assert.equal(all.named('channel_occupied', 'presence-reload').length, 1)
    assert.equal(all.named('channel_vacated', 'presence-reload').length, 0)
  })

  test('eventTypes and channel-name filters choose what each target gets; custom headers are sent', async () => {
    const cy = await server.client()
    for (const name of ['orders.1', 'orders.2.vip', 'misc']) await join(cy, name)
    cy.unsubscribe('orders.2.vip')
    await waitFor(() => all.named('channel_vacated', 'orders.2.vip').length === 1, { what: 'channel_vacated for orders.2.vip', timeoutMs: DEPARTURE_WAIT_MS })
    await waitFor(() => vip.named('channel_vacated').length === 1, { what: 'the vip target to get its channel_vacated' })
    assert.deepEqual(
      ordersOccupied.delivered().map((e) => `${String(e.name)} ${String(e.channel)}`).sort(),
      ['channel_occupied orders.1', 'channel_occupied orders.2.vip'],
    )
    assert.deepEqual(vip.delivered().map((e) => `${String(e.name)} ${String(e.channel)}`), ['channel_occupied orders.2.vip', 'channel_vacated orders.2.vip'])
    assert.ok(vip.received.every((r) => r.valid && r.headers['x-token'] === 'shh'))
  })
})

describe('webhook delivery to a receiver that is down, then up', () => {
  test('the request is retried with backoff and delivered once; /metrics counts the retries and the delivery', async (t) => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/webhooks`
    const server = await startHerald({ config: { apps: [{ ...APP, webhooks: [{ url }] }], server: { metrics: true } } })
    t.after(() => server.close())
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
      const line = text.split('\n').find((l) => l.startsWith(`${name} `))
      return Number(line?.split(' ')[1] ?? NaN)
    }
    const client = await server.client()
    await join(client, 'retried')
    await waitFor(async () => (await metric('herald_webhooks_retried_total')) >= 1, { what: 'a failed attempt to be scheduled again' })
    // Up, but answering 503 once more before it accepts.
    const receiver = await startWebhookReceiver(SDK_APP, port)
    t.after(() => receiver.close())
    receiver.status = (i) => (i === 0 ? 503 : 200)
    await waitFor(() => receiver.named('channel_occupied', 'retried').length === 1, { what: 'the retried delivery', timeoutMs: 20_000 })
    await waitFor(async () => (await metric('herald_webhooks_pending')) === 0, { what: 'nothing left pending' })
    assert.equal(await metric('herald_webhooks_delivered_total'), 1)
    assert.equal(await metric('herald_webhooks_failed_total'), 0)
    assert.ok((await metric('herald_webhooks_retried_total')) >= 2)
    assert.deepEqual(receiver.received.map((r) => [r.valid, r.status]), [[true, 503], [true, 200]])
  })
})

describe('in-process lifecycle hooks of a mounted app (fastify.herald.on)', () => {
  test('typed listeners get the events with no webhook configured; a throwing listener does not stop the others', async (t) => {
    const seen: string[] = []
    const server = await startHerald({}, (app) => {
      app.herald.on('member_added', () => {
        throw new Error('a broken listener')
      })
      app.herald.on('member_added', (e) => void seen.push(`added ${e.appId} ${e.channel} ${e.userId}`))
      app.herald.on('channel_occupied', (e) => void seen.push(`occupied ${e.channel}`))
      const off = app.herald.on('client_event', (e) => void seen.push(`client ${e.event} ${e.data} ${e.userId ?? '-'}`))
      app.herald.on('member_removed', (e) => {
        seen.push(`removed ${e.userId}`)
        off()
      })
    })
    t.after(() => server.close())
    const dee = await member(server, 'dee')
    await join(dee, 'presence-hooks')
    dee.channel('presence-hooks')?.trigger('client-wave', { hi: 1 })
    await waitFor(() => seen.some((s) => s.startsWith('client')), { what: 'the client_event hook' })
    dee.unsubscribe('presence-hooks')
    await waitFor(() => seen.includes('removed dee'), { what: 'the member_removed hook', timeoutMs: DEPARTURE_WAIT_MS })
    assert.deepEqual(seen, ['occupied presence-hooks', `added ${APP.id} presence-hooks dee`, 'client client-wave {"hi":1} dee', 'removed dee'])
  })
})

describe('subscription counting (subscriptionCount: true)', () => {
  test('pusher-js gets pusher:subscription_count with the channel\'s count, and the receiver a subscription_count webhook', async (t) => {
    const receiver = await startWebhookReceiver(SDK_APP)
    t.after(() => receiver.close())
    const server = await startHerald({ config: { apps: [{ ...APP, subscriptionCount: true, webhooks: [{ url: receiver.url, eventTypes: ['subscription_count'] }] }] } })
    t.after(() => server.close())
    const counts: number[] = []
    const first = await server.client()
    const channel = first.subscribe('counted')
    channel.bind('pusher:subscription_count', (data: { subscription_count: number }) => void counts.push(data.subscription_count))
    await waitFor(() => channel.subscribed, { what: 'the first subscription' })
    const others = [await server.client(), await server.client()]
    for (const c of others) await join(c, 'counted')
    // Throttled: the first change goes out at once, the rest once the window ends, ending on the current count.
    await waitFor(() => counts.at(-1) === 3, { what: 'pusher:subscription_count of 3', timeoutMs: 10_000 })
    await waitFor(() => receiver.named('subscription_count', 'counted').at(-1)?.subscription_count === 3, { what: 'the subscription_count webhook of 3', timeoutMs: 10_000 })
    assert.ok(counts.length < 4, `throttled: ${counts.length} counts for 3 changes`)
    const presence = await member(server, 'eve')
    await join(presence, 'presence-counted')
    others[0]!.unsubscribe('counted')
    await waitFor(() => counts.at(-1) === 2, { what: 'pusher:subscription_count of 2', timeoutMs: 10_000 })
    assert.deepEqual(receiver.delivered().filter((e) => e.channel !== 'counted'), [], 'presence channels are not counted')
  })
})
