import type { IncomingMessage, ServerResponse } from 'node:http'

/** The part of a Pusher HTTP API `POST /apps/:id/events` body the baselines use. */
export interface PublishBody {
  name: string
  data: string
  channels: string[]
  socketId: string | undefined
}

const eventsPath = /^\/apps\/[^/]+\/events(\?|$)/

/**
 * Handles `POST /apps/:id/events` for the baseline servers: body read and parsed, the signature is not checked
 * (the publisher signs anyway, so the request is byte-for-byte what Herald receives). Other paths get 404.
 */
export function handlePublish(req: IncomingMessage, res: ServerResponse, publish: (body: PublishBody) => void): void {
  if (req.method !== 'POST' || !eventsPath.test(req.url ?? '')) {
    res.statusCode = 404
    res.end('{"error":"not found"}')
    return
  }
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    try {
      const raw = JSON.parse(Buffer.concat(chunks).toString()) as { name?: unknown; data?: unknown; channels?: unknown; channel?: unknown; socket_id?: unknown }
      const channels = Array.isArray(raw.channels) ? raw.channels.map(String) : typeof raw.channel === 'string' ? [raw.channel] : []
      if (typeof raw.name !== 'string' || typeof raw.data !== 'string' || channels.length === 0) throw new Error('name, data (string) and channels are required')
      publish({ name: raw.name, data: raw.data, channels, socketId: typeof raw.socket_id === 'string' ? raw.socket_id : undefined })
      res.setHeader('content-type', 'application/json')
      res.end('{}')
    } catch (err) {
      res.statusCode = 400
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }))
    }
  })
}

/** HOST and PORT from the environment, as `herald serve` reads them. */
export function listenAddress(): { host: string; port: number } {
  const port = Number(process.env['PORT'])
  if (!Number.isInteger(port) || port <= 0) throw new Error(`bench server: PORT must be a port number, got '${process.env['PORT']}'`)
  return { host: process.env['HOST'] ?? '127.0.0.1', port }
}
