import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the recorder received it. */
export interface RecordedRequest {
  readonly method: string
  /** Path without the query string, e.g. `/apps/123/events`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: IncomingMessage['headers']
  /** Raw body text. */
  readonly body: string
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown
}

/** What to answer: a status and body, or `'hang'` to never answer (until the recorder closes). */
export type RecorderReply = { status: number; body?: string; headers?: Record<string, string> } | 'hang'

/** A local HTTP server recording every request; the reply is chosen per request by `reply`. */
export interface HttpRecorder {
  readonly port: number
  readonly host: string
  readonly requests: RecordedRequest[]
  /** Chooses the reply to each request; default 200 `{}`. Replace it at any time. */
  reply: (request: RecordedRequest) => RecorderReply
  close(): Promise<void>
}

/**
 * Starts a `node:http` server on 127.0.0.1 and a free port that records method, path, query and
 * body of each request (the Pusher HTTP API, Ably's REST API…) and answers what `reply` says.
 */
export async function startPusherHttpRecorder(): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = []
  const hanging = new Set<ServerResponse>()
  const recorder = {
    port: 0,
    host: '127.0.0.1',
    requests,
    reply: (_request: RecordedRequest): RecorderReply => ({ status: 200, body: '{}' }),
    close: async () => {},
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://recorder')
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = body.length > 0 ? JSON.parse(body) : undefined
      } catch {
        json = undefined // not JSON: `body` still holds the raw text for the test to inspect
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json,
      }
      requests.push(recorded)
      const reply = recorder.reply(recorded)
      if (reply === 'hang') {
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.body ?? '{}')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  recorder.port = (server.address() as AddressInfo).port
  recorder.close = async () => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return recorder
}
