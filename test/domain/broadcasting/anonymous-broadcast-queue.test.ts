// Anonymous broadcasts (`broadcasting.on(…)`) go through the queue as Laravel's `AnonymousEvent` does:
// `send()` queues, `sendNow()` skips the queue, and without a queue (or with `sync`) nothing changes.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcasting } from '../../../src/domain/broadcasting/index.js'
import type { BroadcastMessage } from '../../../src/domain/broadcasting/broadcast-message.js'
import { PresenceChannel } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import type { BroadcasterPort } from '../../../src/domain/ports/broadcaster-port.js'
import { parseBroadcastJob, type BroadcastJob } from '../../../src/domain/queue/broadcast-job.js'
import type { DeliverJob, QueuePort } from '../../../src/domain/queue/queue-port.js'

class RecordingPort implements BroadcasterPort {
  readonly messages: BroadcastMessage[] = []
  async broadcast(message: BroadcastMessage): Promise<void> {
    this.messages.push(message)
  }
}

/** Records every push as JSON (what a durable queue stores) and delivers only on `run()`, as a worker would. */
class RecordingQueue implements QueuePort {
  readonly stored: { json: string; deliver: DeliverJob }[] = []
  async push(job: BroadcastJob, deliver: DeliverJob): Promise<void> {
    this.stored.push({ json: JSON.stringify(job), deliver })
  }
  jobs(): BroadcastJob[] {
    return this.stored.map((s) => JSON.parse(s.json) as BroadcastJob)
  }
  async run(): Promise<void> {
    // Through parseBroadcastJob, as the BullMQ worker reads a job back.
    for (const { json, deliver } of this.stored.splice(0)) await deliver(parseBroadcastJob(JSON.parse(json)))
  }
}

/** What the `sync` queue adapter does: deliver inside the push. */
class SyncQueue implements QueuePort {
  async push(job: BroadcastJob, deliver: DeliverJob): Promise<void> {
    await deliver(job)
  }
}

function setup() {
  const main = new RecordingPort()
  const other = new RecordingPort()
  const queued = new RecordingQueue()
  const durable = new RecordingQueue()
  const broadcasting = new Broadcasting({
    default: 'main',
    connections: { main, other },
    queues: { default: 'queued', connections: { queued, durable } },
  })
  return { main, other, queued, durable, broadcasting }
}

const isCode = (code: HeraldErrorCode) => (e: unknown) => HeraldError.is(e, code)

describe('anonymous broadcasts and the queue', () => {
  test('send() queues the resolved message as a plain JSON job; the worker delivers it through its connection', async () => {
    const { main, other, queued, broadcasting } = setup()
    await broadcasting.on(['orders.1', new PresenceChannel('chat.1')]).as('OrderPlaced').with({ id: 1 }).toOthers('1.2').via('other').send()
    assert.deepEqual(queued.jobs(), [
      {
        v: 1,
        connection: 'other',
        message: { channels: ['orders.1', 'presence-chat.1'], event: 'OrderPlaced', payload: { id: 1 }, socketId: '1.2' },
        tries: 1,
        backoff: 0,
      },
    ])
    assert.equal(other.messages.length + main.messages.length, 0, 'queued, not sent')
    await queued.run()
    assert.deepEqual(other.messages, [{ channels: ['orders.1', 'presence-chat.1'], event: 'OrderPlaced', payload: { id: 1 }, socketId: '1.2' }])
  })

  test('awaiting queues too, and the shorthands do the same', async () => {
    const { main, queued, broadcasting } = setup()
    await broadcasting.on('orders')
    await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
    assert.deepEqual(queued.jobs().map((j) => [j.message.event, j.message.channels]), [
      ['AnonymousEvent', ['orders']],
      ['Notified', ['private-user.1']],
    ])
    assert.equal(main.messages.length, 0)
  })

  test('sendNow() skips the queue (Laravel\'s sendNow / ShouldBroadcastNow)', async () => {
    const { main, queued, broadcasting } = setup()
    await broadcasting.channel('chat.1').broadcast('Typing', { user: 1 }).toOthers('3.4').sendNow()
    assert.equal(queued.stored.length, 0)
    assert.deepEqual(main.messages, [{ channels: ['chat.1'], event: 'Typing', payload: { user: 1 }, socketId: '3.4' }])
  })

  test('onQueue() names the queue and onConnection() picks the queue connection', async () => {
    const { queued, durable, broadcasting } = setup()
    await broadcasting.on('orders').as('A').onQueue('priority').send()
    await broadcasting.on('orders').as('B').onConnection('durable').onQueue('slow').send()
    assert.deepEqual(queued.jobs().map((j) => [j.message.event, j.queue]), [['A', 'priority']])
    assert.deepEqual(durable.jobs().map((j) => [j.message.event, j.queue]), [['B', 'slow']])
  })

  test('without queues, or with the sync queue, a send is delivered before it resolves (as before)', async () => {
    const main = new RecordingPort()
    const plain = new Broadcasting({ default: 'main', connections: { main } })
    await plain.channel('orders').broadcast('OrderCreated', { id: 1 })
    assert.deepEqual(main.messages, [{ channels: ['orders'], event: 'OrderCreated', payload: { id: 1 } }])

    const viaSync = new RecordingPort()
    const sync = new Broadcasting({ default: 'main', connections: { main: viaSync }, queues: { default: 'sync', connections: { sync: new SyncQueue() } } })
    await sync.channel('orders').broadcast('OrderCreated', { id: 2 }).toOthers('1.2')
    assert.deepEqual(viaSync.messages, [{ channels: ['orders'], event: 'OrderCreated', payload: { id: 2 }, socketId: '1.2' }])
    // A driver failure still reaches the caller, as the sync queue promises.
    const failing = new Broadcasting({
      default: 'main',
      connections: { main: { broadcast: async () => Promise.reject(new Error('driver down')) } },
      queues: { default: 'sync', connections: { sync: new SyncQueue() } },
    })
    await assert.rejects(failing.channel('a').broadcast('E').send(), /driver down/)
  })

  test('no channels: nothing is queued or sent', async () => {
    const { main, queued, broadcasting } = setup()
    await broadcasting.on([]).as('E')
    await broadcasting.on([]).as('E').sendNow()
    assert.equal(queued.stored.length + main.messages.length, 0)
  })

  test('send() and sendNow() are one send: the second call returns the first one\'s promise, and chaining after it throws', async () => {
    const { main, queued, broadcasting } = setup()
    const broadcast = broadcasting.channel('a').broadcast('E')
    const first = broadcast.send()
    assert.equal(broadcast.sendNow(), first)
    await first
    await broadcast
    assert.equal(queued.stored.length, 1)
    assert.equal(main.messages.length, 0)
    assert.throws(() => broadcast.onQueue('x'), /onQueue\(\) called on a broadcast that was already sent/)
    assert.throws(() => broadcast.onConnection('x'), /already sent/)
  })

  test('bad input fails the send with a named error and queues nothing', async () => {
    const { main, queued, broadcasting } = setup()
    await assert.rejects(broadcasting.channel('a').onConnection('nope').send(), (e: unknown) => {
      assert.ok(HeraldError.is(e, HeraldErrorCode.UnknownQueueConnection))
      assert.match(e.message, /"nope"; known queue connections: queued, durable/)
      return true
    })
    await assert.rejects(broadcasting.channel('a').via('ghost').send(), isCode(HeraldErrorCode.UnknownConnection))
    await assert.rejects(broadcasting.channel('a').toOthers('not-an-id').send(), isCode(HeraldErrorCode.InvalidSocketId))
    // sendNow() does not look at the queue, so only the broadcast connection matters to it.
    await broadcasting.channel('a').onConnection('nope').sendNow()
    assert.equal(main.messages.length, 1)
    assert.throws(() => broadcasting.channel('a').onQueue(''), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent) && /onQueue\(\) needs a non-empty name \(got ""\)/.test((e as Error).message))
    assert.throws(() => broadcasting.channel('a').onConnection(7 as unknown as string), /onConnection\(\) needs a non-empty name \(got 7\)/)
    assert.equal(queued.stored.length, 0)
  })

  test('a payload a queue cannot store as JSON fails the push, as it does for events', async () => {
    const { queued, broadcasting } = setup()
    await assert.rejects(broadcasting.channel('a').broadcast('E', { n: 1n }).send(), /BigInt/)
    assert.equal(queued.stored.length, 0)
  })
})

describe('anonymous broadcasts held until commit', () => {
  test('hold.event(anonymous) resolves it now and queues it on commit; awaiting it later sends nothing more', async () => {
    const { main, queued, broadcasting } = setup()
    const hold = broadcasting.hold()
    const anonymous = broadcasting.private('orders.1').broadcast('OrderPlaced', { id: 1 }).toOthers('1.2')
    await hold.event(anonymous)
    assert.equal(hold.size, 1)
    assert.throws(() => anonymous.as('Other'), /already sent/)
    await anonymous
    assert.equal(queued.stored.length, 0, 'held, not queued before commit')
    await hold.commit()
    await queued.run()
    assert.deepEqual(main.messages, [{ channels: ['private-orders.1'], event: 'OrderPlaced', payload: { id: 1 }, socketId: '1.2' }])
  })

  test('rollback drops a held anonymous broadcast; a sent one cannot be held; a bad route fails at hold time', async () => {
    const { main, queued, broadcasting } = setup()
    const dropped = broadcasting.hold()
    await dropped.event(broadcasting.channel('a').broadcast('Dropped'))
    dropped.rollback()
    await dropped.commit()

    const hold = broadcasting.hold()
    const sent = broadcasting.channel('a').broadcast('Sent')
    await sent.sendNow()
    await assert.rejects(hold.event(sent), /hold\.event\(\) called on a broadcast that was already sent/)
    await assert.rejects(hold.event(broadcasting.channel('a').onConnection('nope')), isCode(HeraldErrorCode.UnknownQueueConnection))
    await hold.event(broadcasting.on([]).as('Nothing'))
    assert.equal(hold.size, 0)
    await hold.commit()
    await assert.rejects(hold.event(broadcasting.channel('a')), /after the transaction committed/)
    assert.deepEqual([queued.stored.length, main.messages.map((m) => m.event)], [0, ['Sent']])
  })
})
