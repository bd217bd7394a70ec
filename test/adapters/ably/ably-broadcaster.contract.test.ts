import { AblyBroadcaster } from '../../../src/adapters/ably/ably-broadcaster.js'
import { fromAblyChannelName } from '../../../src/adapters/ably/ably-channel-names.js'
import { describeBroadcasterContract } from '../../contract/broadcaster-port.contract.js'
import { startAblyRestRecorder } from '../../helpers/ably-rest-recorder.js'

// The far end is a recording Ably REST host. Ably names map back to wire names, and the message's
// connectionKey is what the driver conveyed for toOthers (a Pusher-style id is passed through raw,
// as laravel/framework's Ably broadcaster does).
describeBroadcasterContract('AblyBroadcaster (ably SDK REST → recording host)', async () => {
  const recorder = await startAblyRestRecorder()
  recorder.reply = () => ({ status: 201, body: '{}' })
  const port = new AblyBroadcaster({ key: 'contract.key:secret', endpoint: '127.0.0.1', port: recorder.port, tls: false, timeoutMs: 5000 })
  return {
    port,
    observe: async () =>
      recorder.published().map((m) => ({
        channel: fromAblyChannelName(m.channel),
        event: m.name ?? '',
        payload: m.data,
        socketId: m.connectionKey,
      })),
    teardown: async () => {
      await port.close()
      await recorder.close()
    },
  }
})
