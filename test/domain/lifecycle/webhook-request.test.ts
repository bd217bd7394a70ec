import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'
import PusherServer from 'pusher'
import { isLifecycleEventName, LIFECYCLE_EVENT_NAMES, type LifecycleEvent, webhookEventJson } from '../../../src/domain/lifecycle/lifecycle-event.js'
import { buildWebhookRequest } from '../../../src/domain/lifecycle/webhook-request.js'
import { targetWants } from '../../../src/domain/lifecycle/webhook-target.js'

const app = { id: 'app-id', key: 'app-key', secret: 'app-secret' }
const events: LifecycleEvent[] = [
  { name: 'channel_occupied', appId: 'app-id', channel: 'orders.1' },
  { name: 'channel_vacated', appId: 'app-id', channel: 'orders.1' },
  { name: 'member_added', appId: 'app-id', channel: 'presence-r', userId: '7' },
  { name: 'member_removed', appId: 'app-id', channel: 'presence-r', userId: '7' },
  { name: 'client_event', appId: 'app-id', channel: 'private-c', event: 'client-x', data: '{"a":1}', socketId: '1.2' },
  { name: 'client_event', appId: 'app-id', channel: 'presence-r', event: 'client-x', data: 'raw', socketId: '1.2', userId: '7' },
  { name: 'cache_miss', appId: 'app-id', channel: 'cache-x' },
  { name: 'subscription_count', appId: 'app-id', channel: 'orders.1', subscriptionCount: 3 },
]

test('each event is listed as Pusher\'s webhook body lists it', () => {
  assert.deepEqual(events.map(webhookEventJson), [
    { name: 'channel_occupied', channel: 'orders.1' },
    { name: 'channel_vacated', channel: 'orders.1' },
    { name: 'member_added', channel: 'presence-r', user_id: '7' },
    { name: 'member_removed', channel: 'presence-r', user_id: '7' },
    { name: 'client_event', channel: 'private-c', event: 'client-x', data: '{"a":1}', socket_id: '1.2' },
    { name: 'client_event', channel: 'presence-r', event: 'client-x', data: 'raw', socket_id: '1.2', user_id: '7' },
    { name: 'cache_miss', channel: 'cache-x' },
    { name: 'subscription_count', channel: 'orders.1', subscription_count: 3 },
  ])
  assert.ok(LIFECYCLE_EVENT_NAMES.every(isLifecycleEventName))
  assert.equal(isLifecycleEventName('channel_existence'), false)
  assert.equal(isLifecycleEventName(1), false)
})

test('the request is signed with the app secret over the raw body, and the pusher SDK validates it', () => {
  const request = buildWebhookRequest(app, { url: 'http://r/h', headers: { 'X-Pusher-Signature': 'forged', 'X-Extra': '1' } }, events, 1327078148132)
  assert.ok(request !== undefined)
  assert.equal(request.events, events.length)
  assert.equal(request.body.startsWith('{"time_ms":1327078148132,"events":['), true)
  assert.equal(request.headers['X-Pusher-Signature'], createHmac('sha256', app.secret).update(request.body).digest('hex'))
  assert.equal(request.headers['X-Extra'], '1')
  const lower = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]))
  const sdk = new PusherServer({ appId: app.id, key: app.key, secret: app.secret, cluster: 'mt1' })
  assert.equal(sdk.webhook({ headers: lower, rawBody: request.body }).isValid(), true)
  assert.equal(new PusherServer({ appId: app.id, key: app.key, secret: 'other', cluster: 'mt1' }).webhook({ headers: lower, rawBody: request.body }).isValid(), false)
})

test('a target gets only the types it lists and the channels its filter passes; none wanted, no request', () => {
  const target = { url: 'http://r', eventTypes: ['channel_occupied', 'member_added'] as const, filter: { channelNameStartsWith: 'orders.', channelNameEndsWith: '.1' } }
  assert.deepEqual(events.filter((e) => targetWants(target, e)).map((e) => e.name), ['channel_occupied'])
  assert.equal(targetWants({ url: 'http://r', filter: { channelNameEndsWith: '-r' } }, events[2]!), true)
  assert.equal(targetWants({ url: 'http://r', filter: { channelNameEndsWith: '-q' } }, events[2]!), false)
  assert.equal(targetWants({ url: 'http://r' }, events[6]!), true)
  assert.equal(buildWebhookRequest(app, { url: 'http://r', eventTypes: ['cache_miss'] }, events.slice(0, 2), 1), undefined)
})
