/**
 * A client process holding many raw `ws` connections that speak the Pusher protocol (as pusher-js does on the
 * wire) to Herald or the ws baselines. Driven by the bench runner over IPC (see client-messages.ts).
 * Presence subscriptions are signed here with the `pusher` SDK's `authorizeChannel`, as an app's auth endpoint would.
 */
import { WebSocket } from 'ws'
import Pusher from 'pusher'
import { BenchApp, nowMicros } from '../lib/bench-config.js'
import { createHistogram, recordMicros } from '../lib/histogram.js'
import type { ClientCommand } from './client-messages.js'
import { ClientTally, newSeenWindow, runLimited, send, serveCommands } from './client-tally.js'

const tally = new ClientTally()
const sockets: PusherSocket[] = []
const signer = new Pusher({ appId: BenchApp.id, key: BenchApp.key, secret: BenchApp.secret, host: '127.0.0.1' })
const joinedAtPattern = /jt\\?":(\d+)/
const eventMark = Buffer.from('seq\\":')

/** One connection: handshake, subscriptions, and counting of what arrives. */
class PusherSocket {
  readonly ws: WebSocket
  socketId = ''
  seen = newSeenWindow()
  #waiters = new Map<string, { resolve: () => void; reject: (err: Error) => void }>()
  readonly opened: Promise<void>

  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true })
    this.opened = new Promise((resolve, reject) => {
      this.#waiters.set('pusher:connection_established', { resolve, reject })
      this.ws.once('error', reject)
    })
    // A close fails whatever this socket was still waiting for (handshake or subscription).
    this.ws.once('close', (code) => this.#failAll(new Error(`closed by the server with code ${code}`)))
    this.ws.on('message', (data: Buffer) => {
      // Bench events are the hot case: counted from the bytes, without decoding or JSON.parse.
      if (data.indexOf(eventMark) >= 0) return tally.onEvent(data, this.seen)
      try {
        this.#onMessage(data.toString())
      } catch (err) {
        // An unparsable frame fails this socket's pending waits; counting goes on for the others.
        this.#failAll(err instanceof Error ? err : new Error(String(err)))
      }
    })
    this.ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) tally.closedByServer++
    })
  }

  #onMessage(frame: string): void {
    const msg = JSON.parse(frame) as { event: string; channel?: string; data?: unknown }
    // Servers ping quiet connections (activity_timeout) and drop those that never answer, as pusher-js would.
    if (msg.event === 'pusher:ping') return this.ws.send('{"event":"pusher:pong","data":{}}')
    if (msg.event === 'pusher:connection_established') this.socketId = (JSON.parse(String(msg.data)) as { socket_id: string }).socket_id
    else if (msg.event === 'pusher_internal:member_added') {
      tally.memberAdded++
      const joinedAt = joinedAtPattern.exec(frame)
      if (joinedAt !== null) recordMicros(tally.memberAddedLatency, nowMicros() - Number(joinedAt[1]))
    } else if (msg.event === 'pusher_internal:member_removed') tally.memberRemoved++
    else if (msg.event === 'pusher:error' || msg.event === 'pusher:subscription_error') return this.#failAll(new Error(`server sent ${frame}`))
    const key = msg.channel === undefined ? msg.event : `${msg.event}:${msg.channel}`
    const waiter = this.#waiters.get(key)
    if (waiter !== undefined) {
      this.#waiters.delete(key)
      waiter.resolve()
    }
  }

  #failAll(err: Error): void {
    for (const waiter of this.#waiters.values()) waiter.reject(err)
    this.#waiters.clear()
  }

  /** Subscribes and resolves on subscription_succeeded; presence channels are signed with `user`. */
  subscribe(channel: string, user?: { user_id: string; user_info: object }): Promise<void> {
    const succeeded = new Promise<void>((resolve, reject) => this.#waiters.set(`pusher_internal:subscription_succeeded:${channel}`, { resolve, reject }))
    const data: Record<string, string> = { auth: '', channel }
    if (user !== undefined) {
      const signed = signer.authorizeChannel(this.socketId, channel, user)
      data['auth'] = signed.auth
      if (signed.channel_data !== undefined) data['channel_data'] = signed.channel_data
    }
    this.ws.send(JSON.stringify({ event: 'pusher:subscribe', data }))
    return succeeded
  }

  unsubscribe(channel: string): void {
    this.ws.send(JSON.stringify({ event: 'pusher:unsubscribe', data: { channel } }))
  }
}

function appUrl(url: string): string {
  return `${url}/app/${BenchApp.key}?protocol=7&client=js&version=8.6.0&flash=false`
}

async function connect(command: Extract<ClientCommand, { type: 'connect' }>): Promise<void> {
  const started = performance.now()
  let ok = 0
  let failed = 0
  let firstError: string | undefined
  await runLimited(command.count, command.concurrency, async (i) => {
    try {
      const socket = new PusherSocket(appUrl(command.url))
      await socket.opened
      const user = command.presenceUserPrefix === undefined ? undefined : { user_id: `${command.presenceUserPrefix}${i}`, user_info: {} }
      await socket.subscribe(command.channel, user)
      sockets.push(socket)
      ok++
    } catch (err) {
      failed++
      firstError ??= err instanceof Error ? err.message : String(err)
    }
  })
  send({ type: 'connected', ok, failed, ms: performance.now() - started, ...(firstError === undefined ? {} : { firstError }) })
}

/** Joins and leaves the presence channel at a fixed rate from a pool of connections, one new user per join. */
async function churn(command: Extract<ClientCommand, { type: 'churn' }>): Promise<void> {
  const pool: PusherSocket[] = []
  await runLimited(command.pool, 20, async () => {
    const socket = new PusherSocket(appUrl(command.url))
    await socket.opened
    pool.push(socket)
  })
  const idle = [...pool]
  const succeededLatency = createHistogram()
  let joins = 0
  let skipped = 0
  let errors = 0
  let firstError: string | undefined
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started
      if (elapsed >= command.durationMs) {
        clearInterval(timer)
        return resolve()
      }
      const due = Math.floor((elapsed / 1000) * command.ratePerSec) - joins - skipped
      for (let i = 0; i < due; i++) {
        const socket = idle.pop()
        if (socket === undefined) {
          skipped++
          continue
        }
        const joinedAt = nowMicros()
        const user = { user_id: `${command.userPrefix}${joins++}`, user_info: { jt: joinedAt } }
        socket.subscribe(command.channel, user).then(
          () => {
            recordMicros(succeededLatency, nowMicros() - joinedAt)
            setTimeout(() => {
              socket.unsubscribe(command.channel)
              idle.push(socket)
            }, command.holdMs)
          },
          (err: unknown) => {
            errors++
            firstError ??= String(err)
          },
        )
      }
    }, 2)
  })
  // Let the last holds expire so every join is matched by a leave before the parent reads the counters.
  await new Promise((resolve) => setTimeout(resolve, command.holdMs + 200))
  for (const socket of pool) socket.ws.close(1000)
  send({ type: 'churned', joins, skipped, succeededLatency, errors, ...(firstError === undefined ? {} : { firstError }) })
}

setInterval(() => tally.progress(), 20).unref()

serveCommands(async (command) => {
  switch (command.type) {
    case 'connect':
      return connect(command)
    case 'churn':
      return churn(command)
    case 'reset':
      tally.reset()
      for (const socket of sockets) socket.seen = newSeenWindow()
      return send({ type: 'reset-done' })
    case 'report':
      return send(tally.report())
    case 'close':
      for (const socket of sockets) socket.ws.close(1000)
      setTimeout(() => process.exit(0), 200)
      return
  }
})
