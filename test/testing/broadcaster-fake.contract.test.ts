import { BroadcasterFake } from '../../src/testing/index.js'
import { describeBroadcasterContract, type ObservedMessage } from '../contract/broadcaster-port.contract.js'

// The fake runs the same contract as every real driver, so it cannot drift from them.
describeBroadcasterContract('BroadcasterFake', async () => {
  const port = new BroadcasterFake()
  return {
    port,
    observe: async (): Promise<ObservedMessage[]> =>
      port.calls.flatMap((m) => m.channels.map((channel) => ({ channel, event: m.event, payload: m.payload, socketId: m.socketId }))),
    teardown: async () => port.close(),
  }
})
