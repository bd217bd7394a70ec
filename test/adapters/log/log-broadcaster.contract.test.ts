import { LogBroadcaster, type BroadcastLogFields } from '../../../src/adapters/log/log-broadcaster.js'
import type { LoggerPort } from '../../../src/domain/ports/logger-port.js'
import { describeBroadcasterContract, type ObservedMessage } from '../../contract/broadcaster-port.contract.js'

// The log driver "delivers" to its logger; the observer reads back the structured fields of each line.
describeBroadcasterContract('LogBroadcaster', async () => {
  const seen: ObservedMessage[] = []
  const record = (obj: object) => {
    const { broadcast } = obj as BroadcastLogFields
    // Parse the JSON the line shows, so the payload is compared after the same round trip a reader sees.
    for (const channel of broadcast.channels) {
      seen.push({ channel, event: broadcast.event, payload: JSON.parse(JSON.stringify(broadcast.payload)), socketId: broadcast.socketId })
    }
  }
  const logger: LoggerPort = { debug: record, info: record, warn: record, error: record }
  const port = new LogBroadcaster(logger)
  return { port, observe: async () => seen, teardown: async () => port.close() }
})
