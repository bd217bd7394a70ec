import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcasting } from '../../../src/domain/broadcasting/index.js'
import type { BroadcastMessage } from '../../../src/domain/broadcasting/broadcast-message.js'
import { BroadcastHold } from '../../../src/domain/broadcasting/broadcast-hold.js'
import { PrivateChannel } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { BroadcastEvent, BroadcastNowEvent } from '../../../src/domain/events/broadcast-event.js'
import type { BroadcasterPort } from '../../../src/domain/ports/broadcaster-port.js'
import type { BroadcastJob } from '../../../src/domain/queue/broadcast-job.js'
import type { DeliverJob, QueuePort } from '../../../src/domain/queue/queue-port.js'

class RecordingPort implements BroadcasterPort {
  readonly messages: BroadcastMessage[] = []
  fail: Error | undefined
  hang = false
  async broadcast(message: BroadcastMessage): Promise<void> {
    if (this.fail !== undefined) throw this.fail
    if (this.hang) await new Promise(() => {})
    this.messages.push(message)
  }
}

/** A queue that stores jobs (as JSON, like a durable queue) until `run()`. */
class StoringQueue implements QueuePort {
  readonly stored: { json: string; deliver: DeliverJob }[] = []
  closed = 0
  async push(job: BroadcastJob, deliver: DeliverJob): Promise<void> {
    this.stored.push({ json: JSON.stringify(job), deliver })
  }
  jobs(): BroadcastJob[] {
    return this.stored.map((s) => JSON.parse(s.json) as BroadcastJob)
  }
  async run(): Promise<void> {
    for (const { json, deliver } of this.stored.splice(0)) await deliver(JSON.parse(json) as BroadcastJob)
  }
  async close(): Promise<void> {
    this.closed += 1
  }
}

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastAs() {
    return 'OrderShipped'
  }
}

class Retried extends OrderShipped {
  get tries() {
    return 3
  }
  backoff() {
    return [1, 5]
  }
  readonly timeout = 2
  override broadcastQueue() {
    return 'broadcasts'
  }
  broadcastConnection() {
    return 'durable'
  }
}

class Typing extends BroadcastNowEvent {
  broadcastOn() {
    return 'chat'
  }
  override broadcastAs() {
    return 'Typing'
  }
}

function setup() {
  const main = new RecordingPort()
  const sync = new StoringQueue()
  const durable = new StoringQueue()
  const broadcasting = new Broadcasting({ default: 'main', connections: { main }, queues: { default: 'sync', connections: { sync, durable } } })
  return { main, sync, durable, broadcasting }
}

describe('Broadcasting with queues', () => {
  test('without queues every event is sent at once (today\'s behaviour)', async () => {
    const main = new RecordingPort()
    const broadcasting = new Broadcasting({ default: 'main', connections: { main } })
    await broadcasting.event(new OrderShipped(1))
    assert.equal(main.messages.length, 1)
    assert.throws(() => broadcasting.queue(), (e: unknown) => HeraldError.is(e, HeraldErrorCode.UnknownQueueConnection) && /\(none\)/.test((e as Error).message))
  })

  test('an event is resolved at dispatch and queued as plain JSON; the worker delivers the rebuilt message', async () => {
    const { main, sync, broadcasting } = setup()
    await broadcasting.event(new OrderShipped(7)).toOthers('1.2')
    assert.equal(main.messages.length, 0)
    assert.deepEqual(sync.jobs(), [
      { v: 1, connection: 'main', message: { channels: ['private-orders.7'], event: 'OrderShipped', payload: { orderId: 7 }, socketId: '1.2' }, tries: 1, backoff: 0 },
    ])
    await sync.run()
    assert.deepEqual(main.messages, [{ channels: ['private-orders.7'], event: 'OrderShipped', payload: { orderId: 7 }, socketId: '1.2' }])
  })

  test('broadcastConnection(), broadcastQueue(), tries, backoff and timeout (properties, getters or methods) reach the job', async () => {
    const { sync, durable, broadcasting } = setup()
    await broadcasting.event(new Retried(1))
    assert.equal(sync.stored.length, 0)
    const [job] = durable.jobs()
    assert.deepEqual({ queue: job?.queue, tries: job?.tries, backoff: job?.backoff, timeout: job?.timeout }, { queue: 'broadcasts', tries: 3, backoff: [1, 5], timeout: 2 })
  })

  test('ShouldBroadcastNow skips the queue; its marker is not in the payload', async () => {
    const { main, sync, broadcasting } = setup()
    await broadcasting.event(new Typing())
    assert.equal(sync.stored.length, 0)
    assert.deepEqual(main.messages[0]?.payload, {})
  })

  test('an unknown queue connection fails before anything is queued', async () => {
    const { sync, broadcasting } = setup()
    class Lost extends OrderShipped {
      broadcastConnection() {
        return 'nope'
      }
    }
    await assert.rejects(broadcasting.event(new Lost(1)).send(), (e: unknown) => HeraldError.is(e, HeraldErrorCode.UnknownQueueConnection) && /sync, durable/.test((e as Error).message))
    assert.equal(sync.stored.length, 0)
    assert.throws(() => new Broadcasting({ default: 'main', connections: { main: new RecordingPort() }, queues: { default: 'x', connections: {} } }), /"x"/)
  })

  test('bad tries fail the dispatch with the field named', async () => {
    const { broadcasting } = setup()
    class Bad extends OrderShipped {
      readonly tries = 0
    }
    await assert.rejects(broadcasting.event(new Bad(1)).send(), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidBroadcastJob) && /tries/.test((e as Error).message))
  })

  test('deliver() enforces the timeout and rejects with the driver\'s error so the queue retries', async () => {
    const { main, broadcasting } = setup()
    const job = { v: 1, connection: 'main', message: { channels: ['a'], event: 'E', payload: {} }, tries: 1, backoff: 0 } as const
    main.fail = new Error('down')
    await assert.rejects(broadcasting.deliver(job), /down/)
    main.fail = undefined
    main.hang = true
    await assert.rejects(broadcasting.deliver({ ...job, timeout: 0.01 }), (e: unknown) => HeraldError.is(e, HeraldErrorCode.BroadcastTimedOut) && /'E'.*0\.01 s/.test((e as Error).message))
    main.hang = false
    await broadcasting.deliver({ ...job, timeout: 5 })
    assert.equal(main.messages.length, 1)
    await assert.rejects(broadcasting.deliver({ ...job, connection: 'other' }), (e: unknown) => HeraldError.is(e, HeraldErrorCode.UnknownConnection))
  })

  test('swapQueue replaces every queue (or adds one when none is configured); close() closes the queues once', async () => {
    const { sync, durable, broadcasting } = setup()
    const swapped = new StoringQueue()
    const restore = broadcasting.swapQueue(swapped)
    await broadcasting.event(new Retried(1))
    assert.equal(swapped.stored.length, 1)
    assert.equal(durable.stored.length, 0)
    restore()
    await broadcasting.close()
    assert.deepEqual([sync.closed, durable.closed, swapped.closed], [1, 1, 0])

    const main = new RecordingPort()
    const plain = new Broadcasting({ default: 'main', connections: { main } })
    const recorder = new StoringQueue()
    plain.swapQueue(recorder)
    await plain.event(new OrderShipped(2))
    assert.equal(plain.queue('sync'), recorder)
    await recorder.run()
    assert.equal(main.messages.length, 1)
  })
})

describe('BroadcastHold (after commit)', () => {
  test('holds resolved messages until commit, in order; rollback drops them', async () => {
    const { main, broadcasting } = setup()
    const plain = new Broadcasting({ default: 'main', connections: { main } })
    const hold = plain.hold()
    const event = new OrderShipped(1)
    await hold.event(event)
    await hold.event(new OrderShipped(2), { socketId: '1.1' })
    ;(event as { orderId: number }).orderId = 99
    assert.equal(hold.size, 2)
    assert.equal(main.messages.length, 0)
    await hold.commit()
    assert.deepEqual(main.messages.map((m) => [m.channels[0], m.payload, m.socketId]), [
      ['private-orders.1', { orderId: 1 }, undefined],
      ['private-orders.2', { orderId: 2 }, '1.1'],
    ])
    await hold.commit()
    assert.equal(main.messages.length, 2)
    assert.equal(hold.isOpen, false)
    await assert.rejects(hold.event(new OrderShipped(3)), /after the transaction committed/)

    const dropped = broadcasting.hold()
    await dropped.event(new OrderShipped(4))
    dropped.rollback()
    dropped.rollback()
    assert.throws(() => dropped.add(async () => {}), /rolled back/)
    await dropped.commit()
    assert.equal(dropped.size, 0)
  })

  test('a held queued event is queued at commit; a skipped event holds nothing', async () => {
    const { sync, broadcasting } = setup()
    const hold = broadcasting.hold()
    class Skipped extends OrderShipped {
      override broadcastWhen() {
        return false
      }
    }
    await hold.event(new Skipped(1))
    await hold.event(new OrderShipped(1))
    assert.equal(hold.size, 1)
    assert.equal(sync.stored.length, 0)
    await hold.commit()
    assert.equal(sync.stored.length, 1)
  })

  test('commit sends every held broadcast even when some fail, then rejects with the failures', async () => {
    const one = new BroadcastHold()
    const sent: number[] = []
    one.add(async () => { throw new Error('first') })
    one.add(async () => { sent.push(2) })
    await assert.rejects(one.commit(), /first/)
    assert.deepEqual(sent, [2])
    const two = new BroadcastHold()
    two.add(async () => { throw new Error('a') })
    two.add(async () => { throw new Error('b') })
    await assert.rejects(two.commit(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2)
    await assert.rejects(new BroadcastHold().event(new OrderShipped(1)), /broadcasting\.hold\(\)/)
  })
})
