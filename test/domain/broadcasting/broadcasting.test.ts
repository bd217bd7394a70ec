import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Broadcasting } from '../../../src/domain/broadcasting/index.js'
import type { BroadcastMessage } from '../../../src/domain/broadcasting/broadcast-message.js'
import { PresenceChannel, PrivateChannel } from '../../../src/domain/channels/channel.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { BroadcastEvent } from '../../../src/domain/events/broadcast-event.js'
import { EventDispatcher } from '../../../src/domain/events/event-dispatcher.js'
import type { ShouldBroadcast } from '../../../src/domain/events/should-broadcast.js'
import type { BroadcasterPort } from '../../../src/domain/ports/broadcaster-port.js'
import { BroadcasterFake } from '../../../src/testing/broadcaster-fake.js'

/** A port that records what it receives, so tests see exactly what a driver would. */
class RecordingPort implements BroadcasterPort {
  readonly messages: BroadcastMessage[] = []
  closed = 0
  async broadcast(message: BroadcastMessage): Promise<void> {
    this.messages.push(message)
  }
  async close(): Promise<void> {
    this.closed += 1
  }
}

function setup() {
  const main = new RecordingPort()
  const other = new RecordingPort()
  const broadcasting = new Broadcasting({ default: 'main', connections: { main, other } })
  return { main, other, broadcasting }
}

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  #internal = 'never broadcast'
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return [new PrivateChannel(`orders.${this.orderId}`), 'dashboard']
  }
  get internal(): string {
    return this.#internal
  }
}

function isCode(code: HeraldErrorCode) {
  return (err: unknown) => HeraldError.is(err, code)
}

describe('Broadcasting', () => {
  test('event(): resolves channels, name and payload from the defaults, once', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.event(new OrderShipped(1))
    assert.deepEqual(main.messages, [{ channels: ['private-orders.1', 'dashboard'], event: 'OrderShipped', payload: { orderId: 1 } }])
    assert.ok(Object.isFrozen(main.messages[0]))
    assert.ok(Object.isFrozen(main.messages[0]?.channels))
  })

  test('event(): broadcastAs, broadcastWith and broadcastQueue are honoured; each runs once', async () => {
    const { main, broadcasting } = setup()
    const calls = { on: 0, as: 0, with: 0 }
    const event: ShouldBroadcast = {
      broadcastOn: () => (calls.on++, 'orders'),
      broadcastAs: () => (calls.as++, 'order.created'),
      broadcastWith: () => (calls.with++, { id: 5 }),
      broadcastQueue: () => 'broadcasts',
    }
    const pending = broadcasting.event(event)
    await pending
    await pending
    await pending.send()
    assert.deepEqual(calls, { on: 1, as: 1, with: 1 })
    assert.deepEqual(main.messages, [{ channels: ['orders'], event: 'order.created', payload: { id: 5 }, queue: 'broadcasts' }])
  })

  test('event(): nothing is sent until the pending broadcast is awaited', async () => {
    const { main, broadcasting } = setup()
    const pending = broadcasting.event(new OrderShipped(1))
    await Promise.resolve()
    assert.equal(main.messages.length, 0)
    await pending
    assert.equal(main.messages.length, 1)
  })

  test('broadcastWhen false (sync or async) sends nothing; true sends', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => 'E', broadcastWhen: () => false })
    await broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => 'E', broadcastWhen: async () => false })
    assert.equal(main.messages.length, 0)
    await broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => 'E', broadcastWhen: async () => true })
    assert.equal(main.messages.length, 1)
  })

  test('an event with no channels sends nothing', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.event({ broadcastOn: () => [], broadcastAs: () => 'E' })
    assert.equal(main.messages.length, 0)
  })

  test('toOthers() puts the socket id on the message, never in the payload', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.event(new OrderShipped(2)).toOthers('1234.5678')
    assert.equal(main.messages[0]?.socketId, '1234.5678')
    assert.deepEqual(main.messages[0]?.payload, { orderId: 2 })
  })

  test('toOthers(null) excludes nobody, so `request.socketId` can be passed as it is', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.event(new OrderShipped(2)).toOthers(null)
    await broadcasting.on('orders').as('E').toOthers(undefined).send()
    assert.equal(main.messages.length, 2)
    assert.equal(main.messages[0]?.socketId, undefined)
    assert.equal(main.messages[1]?.socketId, undefined)
  })

  test('via() beats broadcastVia(), which beats the default', async () => {
    const { main, other, broadcasting } = setup()
    const viaOther: ShouldBroadcast = { broadcastOn: () => 'a', broadcastAs: () => 'E', broadcastVia: () => 'other' }
    await broadcasting.event(viaOther)
    await broadcasting.event(viaOther).via('main')
    await broadcasting.event(new OrderShipped(3)).via('other')
    assert.equal(main.messages.length, 1)
    assert.equal(other.messages.length, 2)
  })

  test('bad input fails with a coded error naming the value, and sends nothing', async () => {
    const { main, broadcasting } = setup()
    // The socket id is checked at send time, against the connection's rule: a rejection naming the value.
    await assert.rejects(broadcasting.event(new OrderShipped(1)).toOthers('abc').send(), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidSocketId))
      assert.match(err.message, /"abc": expected digits\.digits/)
      return true
    })
    assert.throws(() => broadcasting.event({} as ShouldBroadcast), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidEvent))
      assert.match(err.message, /no broadcastOn\(\) method/)
      return true
    })
    // assert.rejects wants a real Promise: send() returns one (awaiting the pending broadcast is the same).
    await assert.rejects(broadcasting.event({ broadcastOn: () => 'bad channel!', broadcastAs: () => 'E' }).send(), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidChannelName))
      assert.match(err.message, /"bad channel!"/)
      return true
    })
    await assert.rejects(broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => 'pusher:ping' }).send(), isCode(HeraldErrorCode.InvalidEventName))
    await assert.rejects(broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => '' }).send(), isCode(HeraldErrorCode.InvalidEventName))
    await assert.rejects(broadcasting.event(new OrderShipped(1)).via('nope').send(), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.UnknownConnection))
      assert.match(err.message, /"nope"; known connections: main, other/)
      return true
    })
    assert.equal(main.messages.length, 0)
  })

  test('a driver failure reaches the caller of the broadcast', async () => {
    const failing: BroadcasterPort = { broadcast: async () => Promise.reject(new Error('down')) }
    const broadcasting = new Broadcasting({ default: 'f', connections: { f: failing } })
    await assert.rejects(broadcasting.event(new OrderShipped(1)).send(), /down/)
    await assert.rejects(async () => {
      await broadcasting.event(new OrderShipped(1))
    }, /down/)
  })

  test('chaining after the broadcast was sent is an error, not a silent no-op', async () => {
    const { broadcasting } = setup()
    const pending = broadcasting.event(new OrderShipped(1))
    await pending
    assert.throws(() => pending.toOthers('1.2'), /already sent/)
    assert.throws(() => pending.via('other'), /already sent/)
  })

  test('connection(): the default or a named one; an unknown name lists the known ones', () => {
    const { main, other, broadcasting } = setup()
    assert.equal(broadcasting.connection(), main)
    assert.equal(broadcasting.connection('other'), other)
    assert.equal(broadcasting.defaultConnection, 'main')
    assert.deepEqual(broadcasting.connectionNames, ['main', 'other'])
    assert.throws(() => broadcasting.connection('mian'), /Unknown broadcast connection "mian"; known connections: main, other/)
    assert.throws(() => new Broadcasting({ default: 'x', connections: {} }), /known connections: \(none\)/)
  })

  test('anonymous broadcasts: on().as().with().toOthers().via().send()', async () => {
    const { main, other, broadcasting } = setup()
    await broadcasting.on(['orders.1', new PresenceChannel('chat.1')]).as('OrderPlaced').with({ id: 1 }).toOthers('1.2').via('other').send()
    assert.deepEqual(other.messages, [{ channels: ['orders.1', 'presence-chat.1'], event: 'OrderPlaced', payload: { id: 1 }, socketId: '1.2' }])
    await broadcasting.on('orders')
    assert.deepEqual(main.messages, [{ channels: ['orders'], event: 'AnonymousEvent', payload: {} }])
  })

  test('shorthands: channel(), private() and presence() add the wire prefix', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.channel('orders').broadcast('OrderCreated', { id: 1 })
    await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
    await broadcasting.presence('chat.1').broadcast('Joined')
    assert.deepEqual(
      main.messages.map((m) => [m.channels, m.event, m.payload]),
      [
        [['orders'], 'OrderCreated', { id: 1 }],
        [['private-user.1'], 'Notified', { text: 'hi' }],
        [['presence-chat.1'], 'Joined', {}],
      ],
    )
  })

  test('anonymous broadcasts validate names where they are set', () => {
    const { broadcasting } = setup()
    assert.throws(() => broadcasting.channel('bad name'), isCode(HeraldErrorCode.InvalidChannelName))
    assert.throws(() => broadcasting.on('a').as('pusher:x'), isCode(HeraldErrorCode.InvalidEventName))
    assert.throws(() => broadcasting.on('a').as(''), isCode(HeraldErrorCode.InvalidEventName))
  })

  test('anonymous broadcasts check the toOthers id when sent: a bad one rejects and sends nothing', async () => {
    const { main, broadcasting } = setup()
    await assert.rejects(broadcasting.on('a').toOthers('1').send(), isCode(HeraldErrorCode.InvalidSocketId))
    await assert.rejects(broadcasting.on('a').toOthers('').send(), isCode(HeraldErrorCode.InvalidSocketId))
    // A JavaScript caller can pass anything; it is refused, never sent.
    await assert.rejects(broadcasting.on('a').toOthers(1234 as unknown as string).send(), isCode(HeraldErrorCode.InvalidSocketId))
    assert.equal(main.messages.length, 0)
  })

  test("toOthers: the socket-id rule is the connection's (BroadcasterPort.isValidSocketId), Pusher's by default", async () => {
    // A driver with its own id format, the way the ably driver accepts @ably/laravel-echo's base64url ids.
    class OwnRulePort extends RecordingPort {
      isValidSocketId(socketId: string): boolean {
        return /^[A-Za-z0-9_-]+$/.test(socketId)
      }
    }
    const pusher = new RecordingPort()
    const own = new OwnRulePort()
    const broadcasting = new Broadcasting({ default: 'pusher', connections: { pusher, own } })
    const ownId = 'eyJjb25uZWN0aW9uS2V5IjoiYWJjIn0'

    assert.equal(broadcasting.isValidSocketId('1.2'), true)
    assert.equal(broadcasting.isValidSocketId(ownId), false)
    assert.equal(broadcasting.isValidSocketId(ownId, 'own'), true)
    assert.equal(broadcasting.isValidSocketId('1.2', 'own'), false)
    assert.equal(broadcasting.isValidSocketId(null, 'own'), false)
    assert.throws(() => broadcasting.isValidSocketId('1.2', 'ghost'), isCode(HeraldErrorCode.UnknownConnection))

    // The connection is known only when sent, so toOthers may come before via().
    await broadcasting.event(new OrderShipped(1)).toOthers(ownId).via('own')
    await broadcasting.on('orders').as('E').toOthers(ownId).via('own')
    await broadcasting.event({ broadcastOn: () => 'a', broadcastAs: () => 'E', broadcastVia: () => 'own' }).toOthers(ownId)
    assert.deepEqual(own.messages.map((m) => m.socketId), [ownId, ownId, ownId])

    await assert.rejects(broadcasting.event(new OrderShipped(1)).toOthers(ownId).send(), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidSocketId))
      assert.match(err.message, new RegExp(`"${ownId}": expected digits\\.digits`))
      return true
    })
    await assert.rejects(broadcasting.on('orders').toOthers('1.2').via('own').send(), (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidSocketId))
      assert.match(err.message, /"1\.2": expected a socket id the "own" connection's driver accepts/)
      return true
    })
    assert.equal(pusher.messages.length, 0)
    assert.equal(own.messages.length, 3)
  })

  test('BroadcasterFake, installed or used as a connection, accepts both Pusher and ably-style ids', async () => {
    const ablyId = Buffer.from(JSON.stringify({ connectionKey: 'key!abc-1', clientId: 'user-1' })).toString('base64url')
    const { broadcasting } = setup()
    const fake = BroadcasterFake.install(broadcasting)
    await broadcasting.event(new OrderShipped(1)).toOthers('1234.5678')
    await broadcasting.private('user.1').broadcast('Notified').toOthers(ablyId).send()
    assert.deepEqual(fake.calls.map((m) => m.socketId), ['1234.5678', ablyId])
    await assert.rejects(broadcasting.channel('a').toOthers('has space').send(), isCode(HeraldErrorCode.InvalidSocketId))
    fake.uninstall()

    const direct = new BroadcasterFake()
    const viaFake = new Broadcasting({ default: 'fake', connections: { fake: direct } })
    await viaFake.channel('a').toOthers(ablyId).send()
    assert.equal(direct.calls[0]?.socketId, ablyId)
  })

  test('an anonymous broadcast on no channels sends nothing', async () => {
    const { main, broadcasting } = setup()
    await broadcasting.on([]).as('E')
    assert.equal(main.messages.length, 0)
  })

  test('swap() puts one port in for every connection; the returned function restores them', async () => {
    const { main, other, broadcasting } = setup()
    const swapped = new RecordingPort()
    const restore = broadcasting.swap(swapped)
    await broadcasting.channel('a').broadcast('One')
    await broadcasting.channel('a').broadcast('Two').via('other')
    assert.equal(swapped.messages.length, 2)
    assert.throws(() => broadcasting.connection('ghost'), /known connections: main, other/)
    restore()
    await broadcasting.channel('a').broadcast('Three')
    assert.equal(main.messages.length, 1)
    assert.equal(other.messages.length, 0)
  })

  test('close() closes every driver once, shared instances too, and reports failures after trying all', async () => {
    const shared = new RecordingPort()
    const broadcasting = new Broadcasting({ default: 'a', connections: { a: shared, b: shared, c: { broadcast: async () => {} } } })
    await broadcasting.close()
    assert.equal(shared.closed, 1)

    const good = new RecordingPort()
    const bad: BroadcasterPort = { broadcast: async () => {}, close: async () => Promise.reject(new Error('stuck')) }
    await assert.rejects(new Broadcasting({ default: 'bad', connections: { bad, good } }).close(), /stuck/)
    assert.equal(good.closed, 1)
    const worse: BroadcasterPort = { broadcast: async () => {}, close: async () => Promise.reject(new Error('also stuck')) }
    await assert.rejects(new Broadcasting({ default: 'bad', connections: { bad, worse } }).close(), (err: unknown) => {
      assert.ok(err instanceof AggregateError)
      assert.equal(err.errors.length, 2)
      return true
    })
  })

  test('satisfies the EventDispatcher: listeners first, then the broadcast', async () => {
    const { main, broadcasting } = setup()
    const order: string[] = []
    const dispatcher = new EventDispatcher(broadcasting)
    dispatcher.listen(OrderShipped, () => void order.push(`listener saw ${main.messages.length} broadcasts`))
    await dispatcher.dispatch(new OrderShipped(9))
    assert.deepEqual(order, ['listener saw 0 broadcasts'])
    assert.deepEqual(main.messages[0]?.channels, ['private-orders.9', 'dashboard'])
  })
})
