import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LocalBroadcaster } from '../../../src/adapters/local/local-broadcaster.js'
import { LocalRealtimeHub } from '../../../src/domain/realtime/local-realtime-hub.js'
import type { PublishRequest, RealtimeHubPort } from '../../../src/domain/realtime/realtime-hub-port.js'
import { describeBroadcasterContract, type ObservedMessage } from '../../contract/broadcaster-port.contract.js'
import { SubscriberFake } from '../../domain/realtime/fake-subscriber.js'

/** The real hub, with every publish request observed on its way in. */
function observedHub(): { hub: RealtimeHubPort; seen: ObservedMessage[] } {
  const local = new LocalRealtimeHub()
  const seen: ObservedMessage[] = []
  const hub: RealtimeHubPort = {
    publish: async (r: PublishRequest) => {
      for (const channel of r.channels) seen.push({ channel, event: r.event, payload: JSON.parse(r.data), socketId: r.exceptSocketId })
      await local.publish(r)
    },
    channels: (appId, prefix) => local.channels(appId, prefix),
    channel: (appId, channel) => local.channel(appId, channel),
    presenceUsers: (appId, channel) => local.presenceUsers(appId, channel),
    terminateUser: (appId, userId) => local.terminateUser(appId, userId),
  }
  return { hub, seen }
}

describeBroadcasterContract('LocalBroadcaster', async () => {
  const { hub, seen } = observedHub()
  return { port: new LocalBroadcaster(hub, 'app'), observe: async () => seen, teardown: async () => {} }
})

test('LocalBroadcaster delivers one frame per channel to the app\'s subscribers, excluding the toOthers socket', async () => {
  const hub = new LocalRealtimeHub()
  const sender = new SubscriberFake('1.1')
  const other = new SubscriberFake('2.2')
  const otherApp = new SubscriberFake('3.3')
  hub.subscribe('app', 'orders', sender)
  hub.subscribe('app', 'orders', other)
  hub.subscribe('app2', 'orders', otherApp)
  await new LocalBroadcaster(hub, 'app').broadcast({ channels: ['orders'], event: 'Shipped', payload: { id: 1 }, socketId: '1.1' })
  assert.deepEqual(other.events, [{ event: 'Shipped', channel: 'orders', data: '{"id":1}' }])
  assert.equal(sender.frames.length, 0)
  assert.equal(otherApp.frames.length, 0)
})

test('a hub failure rejects with BroadcastFailedError naming the driver and channels, keeping the cause', async () => {
  const cause = new Error('boom')
  const failing = { publish: async () => Promise.reject(cause) } as unknown as RealtimeHubPort
  await assert.rejects(new LocalBroadcaster(failing, 'app').broadcast({ channels: ['a', 'b'], event: 'E', payload: {} }), (err: unknown) => {
    assert.equal((err as { code: string }).code, 'HERALD_ERR_BROADCAST_FAILED')
    assert.match((err as Error).message, /'local' to \[a, b\]/)
    assert.equal((err as Error).cause, cause)
    return true
  })
})
