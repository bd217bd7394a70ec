/**
 * socket.io 4 with rooms as channels: `subscribe` (acked) joins a room, the HTTP publish endpoint emits the event's
 * data string to the room. With REDIS_URL set it uses `@socket.io/redis-adapter`, so several of these servers form
 * a cluster (and one alone measures the adapter's overhead).
 */
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { handlePublish, listenAddress } from './http-publish.js'

const server = createServer((req, res) => handlePublish(req, res, (body) => io.to(body.channels).emit(body.name, body.data)))
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false })

const redisUrl = process.env['REDIS_URL']
if (redisUrl !== undefined && redisUrl !== '') {
  const pub = new Redis(redisUrl)
  const sub = pub.duplicate()
  io.adapter(createAdapter(pub, sub))
}

io.on('connection', (socket) => {
  socket.on('subscribe', (channel: unknown, ack: unknown) => {
    if (typeof channel !== 'string') return
    void socket.join(channel)
    if (typeof ack === 'function') ack()
  })
  socket.on('unsubscribe', (channel: unknown) => {
    if (typeof channel === 'string') void socket.leave(channel)
  })
})

const { host, port } = listenAddress()
server.listen(port, host, () => console.log(`socket.io${redisUrl ? ' (redis adapter)' : ''} listening on ${host}:${port}`))
process.on('SIGTERM', () => process.exit(0))
