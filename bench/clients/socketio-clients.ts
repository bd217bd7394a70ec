/**
 * A client process holding many socket.io-client connections (websocket transport only), each joining the bench
 * room through the server's acked `subscribe` event. Driven over IPC like pusher-clients.ts. With `--echo` it speaks
 * Echo's socket.io protocol (Herald's endpoint): `subscribe` `{channel}` (acked) and events as `(channel, data)`.
 */
import { io, type Socket } from 'socket.io-client'
import { BenchEvent } from '../lib/bench-config.js'
import type { ClientCommand } from './client-messages.js'
import { ClientTally, newSeenWindow, runLimited, send, serveCommands, type SeenWindow } from './client-tally.js'

const tally = new ClientTally()
const echoProtocol = process.argv.includes('--echo')
const sockets: Array<{ socket: Socket; seen: SeenWindow }> = []

async function connectOne(url: string, channel: string): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 })
  const entry = { socket, seen: newSeenWindow() }
  if (echoProtocol) socket.on(BenchEvent, (_channel: string, data: { seq: number; ts: number }) => tally.onEvent(data, entry.seen))
  else socket.on(BenchEvent, (data: string) => tally.onEvent(data, entry.seen))
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') tally.closedByServer++
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  const answer: unknown = await socket.timeout(20_000).emitWithAck('subscribe', echoProtocol ? { channel } : channel)
  if (echoProtocol && (answer as { ok?: boolean } | undefined)?.ok !== true) throw new Error(`subscribe refused: ${JSON.stringify(answer)}`)
  sockets.push(entry)
}

async function connect(command: Extract<ClientCommand, { type: 'connect' }>): Promise<void> {
  const started = performance.now()
  let ok = 0
  let failed = 0
  let firstError: string | undefined
  await runLimited(command.count, command.concurrency, async () => {
    try {
      await connectOne(command.url, command.channel)
      ok++
    } catch (err) {
      failed++
      firstError ??= err instanceof Error ? err.message : String(err)
    }
  })
  send({ type: 'connected', ok, failed, ms: performance.now() - started, ...(firstError === undefined ? {} : { firstError }) })
}

setInterval(() => tally.progress(), 20).unref()

serveCommands(async (command) => {
  switch (command.type) {
    case 'connect':
      return connect(command)
    case 'reset':
      tally.reset()
      for (const entry of sockets) entry.seen = newSeenWindow()
      return send({ type: 'reset-done' })
    case 'report':
      return send(tally.report())
    case 'churn':
      throw new Error('socket.io has no presence protocol; the churn scenario does not run against it')
    case 'close':
      for (const entry of sockets) entry.socket.disconnect()
      setTimeout(() => process.exit(0), 200)
      return
  }
})
