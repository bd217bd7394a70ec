import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcasting } from '../../../src/domain/broadcasting/index.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import {
  BROADCAST_NOTIFICATION_EVENT,
  BroadcastNotificationCreated,
  notify,
} from '../../../src/domain/notifications/broadcast-notification.js'
import { BroadcasterFake } from '../../../src/testing/broadcaster-fake.js'

class InvoicePaid {
  readonly amount: number
  constructor(amount: number) {
    this.amount = amount
  }
  toBroadcast(notifiable: { key?: string | number }) {
    return { amount: this.amount, user: notifiable.key, id: 'from-data', type: 'from-data' }
  }
}

describe('broadcast notifications', () => {
  test('BroadcastNotificationCreated on private-App.Models.User.{key}, payload { ...data, id, type }', async () => {
    const fake = new BroadcasterFake()
    const broadcasting = new Broadcasting({ default: 'main', connections: { main: fake } })
    await notify(broadcasting, { key: 1 }, new InvoicePaid(30)).toOthers('1.1')
    const [message] = fake.calls
    assert.equal(message?.event, BROADCAST_NOTIFICATION_EVENT)
    assert.equal(message?.event, 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated')
    assert.deepEqual(message?.channels, ['private-App.Models.User.1'])
    assert.equal(message?.socketId, '1.1')
    const payload = message?.payload as Record<string, unknown>
    assert.equal(payload.type, 'InvoicePaid')
    assert.equal(payload.amount, 30)
    assert.equal(payload.user, 1)
    assert.match(String(payload.id), /^[0-9a-f-]{36}$/)
  })

  test('overrides: model name, namespace, own channels, broadcastType, a given id', () => {
    const n = { id: 'n-1', toBroadcast: () => ({ a: 1 }), broadcastType: () => 'billing.paid' }
    const e = new BroadcastNotificationCreated({ name: 'Admin', key: 'x', namespace: 'Acme' }, n)
    assert.equal(String(e.broadcastOn()), 'private-Acme.Admin.x')
    assert.deepEqual(e.broadcastWith(), { a: 1, id: 'n-1', type: 'billing.paid' })
    const own = new BroadcastNotificationCreated({ receivesBroadcastNotificationsOn: () => 'private-team.1' }, { toBroadcast: () => ({}) }, 'given')
    assert.equal(own.broadcastOn(), 'private-team.1')
    assert.deepEqual(own.broadcastWith(), { id: 'given', type: 'Notification' })
    assert.equal(own.broadcastAs(), BROADCAST_NOTIFICATION_EVENT)
  })

  test('a notifiable without key or channels, or a notification without toBroadcast, is refused', () => {
    const is = (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent)
    assert.throws(() => new BroadcastNotificationCreated({}, { toBroadcast: () => ({}) }), (e: unknown) => is(e) && /needs a key/.test((e as Error).message))
    assert.throws(() => new BroadcastNotificationCreated({ key: 1 }, {} as never), (e: unknown) => is(e) && /toBroadcast/.test((e as Error).message))
  })
})
