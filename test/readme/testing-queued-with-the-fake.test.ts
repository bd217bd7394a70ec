import { test } from 'node:test'
import { BroadcastEvent, Broadcasting, ModelEventOccurred, NullBroadcaster, PrivateChannel, notify } from '../../src/index.js' // in your app: from 'herald'
import { BroadcasterFake } from '../../src/testing/index.js' // in your app: from 'herald/testing'

class InvoiceSent extends BroadcastEvent {
  broadcastOn() {
    return new PrivateChannel('invoices')
  }
  override broadcastAs() {
    return 'InvoiceSent'
  }
}

test('queued broadcasts, model events and notifications', async () => {
  const broadcasting = new Broadcasting({ default: 'main', connections: { main: new NullBroadcaster() } })
  const fake = BroadcasterFake.install(broadcasting, { holdQueued: true }) // queued jobs wait for runQueued()

  await broadcasting.event(new InvoiceSent())
  await broadcasting.event(new ModelEventOccurred({ name: 'Post', key: 1, attributes: { id: 1 } }, 'updated'))
  await notify(broadcasting, { key: 7 }, { toBroadcast: () => ({ total: 30 }), broadcastType: () => 'InvoicePaid' })
  await broadcasting.private('orders.1').broadcast('OrderPlaced', { id: 1 }) // anonymous: queued as well
  await broadcasting.channel('chat.1').broadcast('Typing').sendNow() // skips the queue

  fake.assertQueued(InvoiceSent, (job) => job.tries === 1)
  fake.assertQueuedOn('private-orders.1', 'OrderPlaced')
  fake.assertNotQueued('Typing')
  fake.assertNotBroadcasted(InvoiceSent) // still in the queue
  await fake.runQueued() // what the worker does
  fake.assertBroadcasted(InvoiceSent)
  fake.assertBroadcastedOn('private-App.Models.Post.1', 'PostUpdated')
  fake.assertNotificationBroadcastedOn('private-App.Models.User.7', 'InvoicePaid')
  fake.assertBroadcastedOn('private-orders.1', 'OrderPlaced')
})
