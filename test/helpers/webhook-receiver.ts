import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import PusherServer from 'pusher'

/** One webhook request as received, checked with the official SDK's `webhook()` validator. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders
  readonly rawBody: string
  /** `pusher.webhook({headers, rawBody}).isValid()`: content type, key and signature. */
  readonly valid: boolean
  /** The SDK's `getEvents()` (empty when invalid). */
  readonly events: readonly Record<string, unknown>[]
  /** The status answered. */
  readonly status: number
}

/** A local HTTP server receiving webhooks, validating each with the `pusher` SDK for one app. */
export interface WebhookReceiver {
  readonly url: string
  readonly port: number
  readonly received: ReceivedWebhook[]
  /** Status to answer each request with; default 200. Replace at any time. */
  status: (index: number) => number
  /** Every event of valid requests answered with 2xx, in order. */
  delivered(): Record<string, unknown>[]
  /** Delivered events named `name` (optionally of one channel). */
  named(name: string, channel?: string): Record<string, unknown>[]
  close(): Promise<void>
}

/** Starts a receiver on 127.0.0.1 (a given port, e.g. one chosen while nothing listened, or a free one). */
export async function startWebhookReceiver(app: { appId: string; key: string; secret: string }, port = 0): Promise<WebhookReceiver> {
  const sdk = new PusherServer({ appId: app.appId, key: app.key, secret: app.secret, cluster: 'mt1' })
  const received: ReceivedWebhook[] = []
  const receiver = {
    url: '',
    port: 0,
    received,
    status: (_index: number) => 200,
    delivered: () => received.filter((r) => r.valid && r.status < 300).flatMap((r) => r.events),
    named: (name: string, channel?: string) => receiver.delivered().filter((e) => e.name === name && (channel === undefined || e.channel === channel)),
    close: async () => {},
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const webhook = sdk.webhook({ headers: req.headers, rawBody })
      const valid = webhook.isValid()
      const status = receiver.status(received.length)
      received.push({ headers: req.headers, rawBody, valid, events: valid ? (webhook.getEvents() as unknown as Record<string, unknown>[]) : [], status })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('webhook receiver: no address')
  receiver.port = address.port
  receiver.url = `http://127.0.0.1:${address.port}/webhooks`
  receiver.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
  return receiver
}
