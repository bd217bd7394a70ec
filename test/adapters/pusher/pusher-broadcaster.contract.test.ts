import { PusherBroadcaster } from '../../../src/adapters/pusher/pusher-broadcaster.js'
import { describeBroadcasterContract, type ObservedMessage } from '../../contract/broadcaster-port.contract.js'
import { startPusherHttpRecorder } from '../../helpers/pusher-http-recorder.js'

// The far end is a recording Pusher HTTP API: each POST /apps/{id}/events is expanded to one
// observation per channel, with `data` parsed back from its JSON string.
describeBroadcasterContract('PusherBroadcaster (pusher SDK → recording HTTP API)', async () => {
  const recorder = await startPusherHttpRecorder()
  const port = new PusherBroadcaster({
    appId: '1',
    key: 'contract-key',
    secret: 'contract-secret',
    host: '127.0.0.1',
    port: recorder.port,
    scheme: 'http',
    timeoutMs: 5000,
    maxPayloadSize: 10240,
  })
  return {
    port,
    observe: async () =>
      recorder.requests.flatMap((r): ObservedMessage[] => {
        const body = r.json as { name: string; channels: string[]; data: string; socket_id?: string }
        return body.channels.map((channel) => ({ channel, event: body.name, payload: JSON.parse(body.data), socketId: body.socket_id }))
      }),
    teardown: async () => {
      await port.close()
      await recorder.close()
    },
  }
})
