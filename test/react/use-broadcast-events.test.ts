// The pure parts of herald/react's hook; the hook itself runs in Chromium (test/e2e/react-hook.test.ts).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appendEvent, echoEventName, type ReceivedEvents } from '../../src/react/use-broadcast-events.js'

describe('useBroadcastEvents state', () => {
  it('appends events in arrival order for the same subscription', () => {
    let state: ReceivedEvents<number> = { key: 'private:orders.42:OrderShipped', items: [] }
    state = appendEvent(state, state.key, 1, 100)
    state = appendEvent(state, state.key, 2, 100)
    assert.deepEqual(state.items, [1, 2])
  })

  it('starts over when the channel, kind or event changed', () => {
    const old = { key: 'private:orders.42:OrderShipped', items: [1, 2] }
    assert.deepEqual(appendEvent(old, 'private:orders.43:OrderShipped', 3, 100), { key: 'private:orders.43:OrderShipped', items: [3] })
  })

  it('keeps only the latest `max` events (at least one)', () => {
    const full = { key: 'k', items: [1, 2, 3] }
    assert.deepEqual(appendEvent(full, 'k', 4, 3).items, [2, 3, 4])
    assert.deepEqual(appendEvent(full, 'k', 4, 0).items, [4])
  })

  it("takes Herald's event names as they are: a leading dot turns off Echo's App.Events namespace", () => {
    assert.equal(echoEventName('OrderShipped'), '.OrderShipped')
    assert.equal(echoEventName('.OrderShipped'), '.OrderShipped')
  })
})
