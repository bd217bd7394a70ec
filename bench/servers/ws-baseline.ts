/**
 * The ceiling: a minimal `ws` server speaking just enough of the Pusher protocol for the bench (handshake,
 * subscribe/unsubscribe, presence roster and member events, ping) plus the HTTP publish endpoint.
 *
 * BENCH_PREFRAMED=1 frames each event once (ws's own `Sender.frame`, as socket.io's adapter does) and writes the
 * same Buffer to every socket through the socket's sender; otherwise each subscriber is sent the same pre-serialised
 * string with `ws.send`, which frames (and copies) it per socket.
 *
 * BENCH_BATCH=1 (with pre-framing) goes one step past the ceiling as a demonstration of the next lever: each
 * socket is corked at its first frame of an event-loop turn and uncorked in setImmediate, so several events
 * published in the same turn leave in one syscall per socket instead of one per event.
 */
import { createServer } from 'node:http'
import { randomInt } from 'node:crypto'
import * as wsModule from 'ws'
import { WebSocketServer, WebSocket } from 'ws'
import { handlePublish, listenAddress, type PublishBody } from './http-publish.js'

const batched = process.env['BENCH_BATCH'] === '1'
const preframed = batched || process.env['BENCH_PREFRAMED'] === '1'
const corked = new Set<Conn>()

function uncorkAll(): void {
  for (const conn of corked) (conn.ws as unknown as { _socket: { uncork(): void } })._socket.uncork()
  corked.clear()
}

interface Conn {
  readonly ws: WebSocket
  readonly socketId: string
  readonly channels: Map<string, string | undefined> // channel -> presence user id
}

interface Member {
  info: unknown
  connections: number
}

const channels = new Map<string, Set<Conn>>()
const rosters = new Map<string, Map<string, Member>>()
const bySocketId = new Map<string, Conn>()

/** ws's frame builder: exported by 'ws' (socket.io's adapter uses it the same way) but absent from @types/ws. */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[] } }).Sender

/** What ws's sender offers, private but stable since ws 7 (engine.io relies on it for the same purpose). */
interface SenderLike {
  sendFrame(list: Buffer[], cb?: () => void): void
}

function sendRaw(conn: Conn, frame: string | Buffer[]): void {
  if (conn.ws.readyState !== WebSocket.OPEN) return
  if (typeof frame === 'string') return conn.ws.send(frame)
  const internals = conn.ws as unknown as { _sender: SenderLike; _socket: { cork(): void } }
  if (batched && !corked.has(conn)) {
    if (corked.size === 0) setImmediate(uncorkAll)
    corked.add(conn)
    internals._socket.cork()
  }
  internals._sender.sendFrame(frame)
}

function fanOut(channel: string, frame: string, except?: Conn): void {
  const subs = channels.get(channel)
  if (subs === undefined) return
  const payload = preframed ? [Buffer.concat(Sender.frame(Buffer.from(frame), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }))] : frame
  for (const conn of subs) if (conn !== except) sendRaw(conn, payload)
}

function publish(body: PublishBody): void {
  const except = body.socketId === undefined ? undefined : bySocketId.get(body.socketId)
  for (const channel of body.channels) fanOut(channel, JSON.stringify({ event: body.name, channel, data: body.data }), except)
}

function subscribe(conn: Conn, channel: string, channelData: string | undefined): void {
  let subs = channels.get(channel)
  if (subs === undefined) channels.set(channel, (subs = new Set()))
  if (subs.has(conn)) return
  subs.add(conn)
  if (!channel.startsWith('presence-')) {
    conn.channels.set(channel, undefined)
    conn.ws.send(JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel, data: '{}' }))
    return
  }
  const member = JSON.parse(channelData ?? '{}') as { user_id?: unknown; user_info?: unknown }
  const userId = String(member.user_id)
  conn.channels.set(channel, userId)
  let roster = rosters.get(channel)
  if (roster === undefined) rosters.set(channel, (roster = new Map()))
  const existing = roster.get(userId)
  if (existing !== undefined) existing.connections++
  else {
    roster.set(userId, { info: member.user_info, connections: 1 })
    fanOut(channel, JSON.stringify({ event: 'pusher_internal:member_added', channel, data: JSON.stringify({ user_id: userId, user_info: member.user_info }) }), conn)
  }
  const hash: Record<string, unknown> = {}
  for (const [id, m] of roster) hash[id] = m.info
  const presence = { presence: { ids: [...roster.keys()], hash, count: roster.size } }
  conn.ws.send(JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel, data: JSON.stringify(presence) }))
}

function unsubscribe(conn: Conn, channel: string): void {
  const subs = channels.get(channel)
  if (subs === undefined || !subs.delete(conn)) return
  if (subs.size === 0) channels.delete(channel)
  const userId = conn.channels.get(channel)
  conn.channels.delete(channel)
  if (userId === undefined) return
  const roster = rosters.get(channel)
  const member = roster?.get(userId)
  if (roster === undefined || member === undefined) return
  if (--member.connections > 0) return
  roster.delete(userId)
  if (roster.size === 0) rosters.delete(channel)
  fanOut(channel, JSON.stringify({ event: 'pusher_internal:member_removed', channel, data: JSON.stringify({ user_id: userId }) }))
}

function onMessage(conn: Conn, raw: string): void {
  const msg = JSON.parse(raw) as { event?: string; data?: { channel?: string; channel_data?: string } }
  const channel = msg.data?.channel
  if (msg.event === 'pusher:subscribe' && channel !== undefined) subscribe(conn, channel, msg.data?.channel_data)
  else if (msg.event === 'pusher:unsubscribe' && channel !== undefined) unsubscribe(conn, channel)
  else if (msg.event === 'pusher:ping') conn.ws.send('{"event":"pusher:pong","data":"{}"}')
}

const server = createServer((req, res) => handlePublish(req, res, publish))
const wss = new WebSocketServer({ server, perMessageDeflate: false })
wss.on('connection', (ws) => {
  const conn: Conn = { ws, socketId: `${randomInt(1, 1e9)}.${randomInt(1, 1e9)}`, channels: new Map() }
  bySocketId.set(conn.socketId, conn)
  ws.on('message', (data) => {
    try {
      onMessage(conn, data.toString())
    } catch {
      // A malformed frame concerns only this connection; the baseline has no error frames to send.
      ws.close(4200, 'bad frame')
    }
  })
  ws.on('close', () => {
    for (const channel of [...conn.channels.keys()]) unsubscribe(conn, channel)
    bySocketId.delete(conn.socketId)
  })
  ws.send(JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: conn.socketId, activity_timeout: 120 }) }))
})

const { host, port } = listenAddress()
server.listen(port, host, () => console.log(`ws-baseline${preframed ? ' (pre-framed)' : ''} listening on ${host}:${port}`))
process.on('SIGTERM', () => process.exit(0))
