import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import { BroadcastEvent } from '../../../src/domain/events/broadcast-event.js'
import { EventDispatcher, type EventBroadcaster } from '../../../src/domain/events/event-dispatcher.js'
import type { ShouldBroadcast } from '../../../src/domain/events/should-broadcast.js'

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  constructor(orderId: number) {
    super()
    this.orderId = orderId
  }
  broadcastOn() {
    return `orders.${this.orderId}`
  }
}
class ExpressOrderShipped extends OrderShipped {}
class Skipped extends OrderShipped {
  override broadcastWhen() {
    return false
  }
}
class UserRegistered {
  readonly userId = 1
}

/** Records what it was asked to broadcast, and where in the sequence. */
class RecordingBroadcaster implements EventBroadcaster {
  readonly events: ShouldBroadcast[] = []
  readonly #log: string[]
  constructor(log: string[] = []) {
    this.#log = log
  }
  async event(e: ShouldBroadcast): Promise<void> {
    this.#log.push(`broadcast:${e.constructor.name}`)
    this.events.push(e)
  }
}

describe('EventDispatcher', () => {
  it('runs listeners in registration order, awaiting each, then broadcasts', async () => {
    const log: string[] = []
    const broadcaster = new RecordingBroadcaster(log)
    const events = new EventDispatcher(broadcaster)
    events.listen(OrderShipped, async (e) => {
      await Promise.resolve()
      await Promise.resolve()
      log.push(`first:${e.orderId}`)
    })
    events.listen('OrderShipped', () => {
      log.push('second')
    })
    events.listen(OrderShipped, () => {
      log.push('third')
    })
    const e = new OrderShipped(42)
    await events.dispatch(e)
    assert.deepEqual(log, ['first:42', 'second', 'third', 'broadcast:OrderShipped'])
    assert.equal(broadcaster.events[0], e)
  })

  it('class listeners catch subclasses; name listeners match the exact class name only', async () => {
    const log: string[] = []
    const events = new EventDispatcher()
    events.listen(OrderShipped, (e) => {
      log.push(`class:${e.constructor.name}`)
    })
    events.listen('OrderShipped', (e) => {
      log.push(`name:${e.constructor.name}`)
    })
    events.listen(UserRegistered, () => {
      log.push('wrong listener')
    })
    await events.dispatch(new ExpressOrderShipped(1))
    assert.deepEqual(log, ['class:ExpressOrderShipped'])
    assert.equal(events.hasListeners(new UserRegistered()), true)
    assert.equal(events.hasListeners({}), false)
  })

  it('a listener that throws stops later listeners and the broadcast, and the error reaches the caller', async () => {
    const log: string[] = []
    const broadcaster = new RecordingBroadcaster(log)
    const events = new EventDispatcher(broadcaster)
    const boom = new Error('listener failed')
    events.listen(OrderShipped, async () => {
      throw boom
    })
    events.listen(OrderShipped, () => {
      log.push('after')
    })
    await assert.rejects(events.dispatch(new OrderShipped(1)), (e) => e === boom)
    assert.deepEqual(log, [])
    assert.equal(broadcaster.events.length, 0)
  })

  it('without a broadcaster, listeners still run; setBroadcaster binds one later', async () => {
    const log: string[] = []
    const events = new EventDispatcher()
    events.listen(OrderShipped, () => {
      log.push('listener')
    })
    await events.dispatch(new OrderShipped(1))
    assert.deepEqual(log, ['listener'])
    const broadcaster = new RecordingBroadcaster(log)
    events.setBroadcaster(broadcaster)
    await events.dispatch(new OrderShipped(2))
    assert.deepEqual(log, ['listener', 'listener', 'broadcast:OrderShipped'])
  })

  it('non-broadcastable events reach listeners and are never handed to the broadcaster', async () => {
    const broadcaster = new RecordingBroadcaster()
    const events = new EventDispatcher(broadcaster)
    let seen = 0
    events.listen(UserRegistered, (e) => {
      seen += e.userId
    })
    await events.dispatch(new UserRegistered())
    assert.equal(seen, 1)
    assert.equal(broadcaster.events.length, 0)
  })

  it('hands events with broadcastWhen() false to the broadcaster, which decides (the manager skips them)', async () => {
    const broadcaster = new RecordingBroadcaster()
    await new EventDispatcher(broadcaster).dispatch(new Skipped(1))
    assert.equal(broadcaster.events.length, 1)
  })

  it('a failing broadcaster rejects dispatch with its error', async () => {
    const failure = new Error('driver down')
    const events = new EventDispatcher({ event: () => Promise.reject(failure) })
    await assert.rejects(events.dispatch(new OrderShipped(1)), (e) => e === failure)
  })

  it('awaits a thenable pending broadcast', async () => {
    let sent = false
    // A minimal thenable, like the manager's PendingBroadcast, that only settles when awaited.
    const pending = {
      then(resolve: () => void) {
        queueMicrotask(() => {
          sent = true
          resolve()
        })
      },
    } as unknown as PromiseLike<void>
    const events = new EventDispatcher({ event: () => pending })
    await events.dispatch(new OrderShipped(1))
    assert.equal(sent, true)
  })

  it('the function returned by listen removes that listener', async () => {
    const events = new EventDispatcher()
    let calls = 0
    const off = events.listen(OrderShipped, () => {
      calls++
    })
    await events.dispatch(new OrderShipped(1))
    off()
    off()
    await events.dispatch(new OrderShipped(1))
    assert.equal(calls, 1)
  })

  it('rejects bad arguments with coded errors', async () => {
    const events = new EventDispatcher()
    assert.throws(() => events.listen('', () => {}), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent))
    assert.throws(() => events.listen(OrderShipped, undefined as never), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent) && /OrderShipped/.test(e.message))
    await assert.rejects(events.dispatch(null as never), (e: unknown) => HeraldError.is(e, HeraldErrorCode.InvalidEvent) && /got null/.test(e.message))
  })
})
