// The dispatcher bound to the real Broadcasting manager (a teammate's class): proves the manager satisfies
// EventBroadcaster and that both apply the same defaults. Drivers are replaced by a recording port.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { BroadcastMessage } from '../../../src/domain/broadcasting/broadcast-message.js'
import { Broadcasting } from '../../../src/domain/broadcasting/broadcasting.js'
import { PrivateChannel } from '../../../src/domain/channels/channel.js'
import { BroadcastEvent } from '../../../src/domain/events/broadcast-event.js'
import { EventDispatcher } from '../../../src/domain/events/event-dispatcher.js'
import type { BroadcasterPort } from '../../../src/domain/ports/broadcaster-port.js'

class RecordingPort implements BroadcasterPort {
  readonly messages: BroadcastMessage[] = []
  readonly #log: string[]
  constructor(log: string[]) {
    this.#log = log
  }
  async broadcast(message: BroadcastMessage): Promise<void> {
    this.#log.push(`sent:${message.event}`)
    this.messages.push(message)
  }
}

class OrderShipped extends BroadcastEvent {
  readonly orderId: number
  #send: boolean
  constructor(orderId: number, send = true) {
    super()
    this.orderId = orderId
    this.#send = send
  }
  broadcastOn() {
    return new PrivateChannel(`orders.${this.orderId}`)
  }
  override broadcastWhen() {
    return this.#send
  }
}

describe('EventDispatcher with the Broadcasting manager', () => {
  it('listeners first, then one message with the BroadcastEvent defaults; broadcastWhen false sends nothing', async () => {
    const log: string[] = []
    const port = new RecordingPort(log)
    const events = new EventDispatcher(new Broadcasting({ default: 'main', connections: { main: port } }))
    events.listen(OrderShipped, (e) => {
      log.push(`listener:${e.orderId}`)
    })
    await events.dispatch(new OrderShipped(42))
    await events.dispatch(new OrderShipped(43, false))
    assert.deepEqual(log, ['listener:42', 'sent:OrderShipped', 'listener:43'])
    assert.deepEqual(port.messages.map((m) => ({ ...m })), [{ channels: ['private-orders.42'], event: 'OrderShipped', payload: { orderId: 42 } }])
  })
})
