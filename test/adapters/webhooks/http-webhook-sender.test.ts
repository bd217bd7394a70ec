import assert from 'node:assert/strict'
import { createServer, type Server, type ServerResponse } from 'node:http'
import { test } from 'node:test'
import { HttpWebhookSender } from '../../../src/adapters/webhooks/http-webhook-sender.js'
import type { WebhookRequest } from '../../../src/domain/lifecycle/webhook-request.js'
import type { LoggerPort } from '../../../src/domain/ports/logger-port.js'
import { waitFor } from '../../helpers/wait-for.js'

/** A receiver answering `status(n)` to its n-th request, or never answering when it returns 'hang'. */
async function receiver(status: (n: number) => number | 'hang'): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = []
  const hanging: ServerResponse[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const s = status(hits.length)
      hits.push(body)
      if (s === 'hang') hanging.push(res)
      else res.writeHead(s).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}/h`,
    hits,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function recordingLogger(): LoggerPort & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = []
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg: msg ?? '', obj })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

const request = (url: string, body = '{"time_ms":1,"events":[]}'): WebhookRequest => ({ appId: 'a', url, headers: { 'Content-Type': 'application/json' }, body, events: 1 })
const fast = { initialDelayMs: 5, maxDelayMs: 20, retryForMs: 150 }

test('a 2xx ends a delivery; a failing status is retried until it succeeds, once', async (t) => {
  const r = await receiver((n) => (n < 2 ? 500 : 204))
  t.after(() => r.close())
  const sender = new HttpWebhookSender({ logger: recordingLogger(), retry: { ...fast, retryForMs: 10_000 } })
  sender.deliver(request(r.url))
  await waitFor(() => sender.stats().delivered === 1, { what: 'the delivery' })
  assert.deepEqual(sender.stats(), { delivered: 1, failed: 0, dropped: 0, retried: 2, pending: 0 })
  assert.equal(r.hits.length, 3)
})

test('past the retry bound a delivery is given up, logged as failed and counted', async (t) => {
  const r = await receiver(() => 503)
  t.after(() => r.close())
  const logger = recordingLogger()
  // Long enough that a slow first attempt on a loaded machine still leaves room for retries.
  const sender = new HttpWebhookSender({ logger, retry: { initialDelayMs: 5, maxDelayMs: 50, retryForMs: 1500 } })
  sender.deliver(request(r.url))
  await waitFor(() => sender.stats().failed === 1, { what: 'the delivery to be given up' })
  assert.equal(sender.stats().pending, 0)
  assert.ok(sender.stats().retried >= 1)
  assert.equal(r.hits.length, sender.stats().retried + 1)
  const failed = logger.lines.find((l) => l.level === 'error')
  assert.equal(failed?.msg, 'webhook delivery failed; giving up')
  assert.deepEqual(failed?.obj, { url: r.url, appId: 'a', events: 1, attempts: sender.stats().retried + 1, problem: 'HTTP 503' })
})

test('a hanging receiver costs at most maxPending requests: the overflow is dropped, counted and logged once per 1000', async (t) => {
  const r = await receiver(() => 'hang')
  t.after(() => r.close())
  const logger = recordingLogger()
  const sender = new HttpWebhookSender({ logger, maxPending: 3, concurrency: 2, timeoutMs: 60_000, retry: fast })
  for (let i = 0; i < 10; i++) sender.deliver(request(r.url))
  assert.deepEqual(sender.stats(), { delivered: 0, failed: 0, dropped: 7, retried: 0, pending: 3 })
  assert.equal(logger.lines.filter((l) => l.msg.startsWith('webhook dropped')).length, 1)
  await waitFor(() => r.hits.length === 2, { what: 'two requests in flight (the concurrency)' })
  await sender.close(10)
  assert.equal(sender.stats().failed, 1, 'the queued one is abandoned at close')
  sender.deliver(request(r.url))
  assert.equal(sender.stats().dropped, 7, 'a closed sender takes nothing')
})

test('an attempt past timeoutMs counts as failed, and a closing sender abandons waiting retries', async (t) => {
  const r = await receiver(() => 'hang')
  t.after(() => r.close())
  const logger = recordingLogger()
  const sender = new HttpWebhookSender({ logger, timeoutMs: 20, retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, retryForMs: 600_000 } })
  sender.deliver(request(r.url))
  await waitFor(() => sender.stats().retried === 1, { what: 'the timed-out attempt to be scheduled again' })
  const retry = logger.lines.find((l) => l.level === 'debug')
  assert.match(JSON.stringify(retry?.obj), /"problem":"(TimeoutError|AbortError)/)
  await sender.close(1000)
  assert.deepEqual(sender.stats(), { delivered: 0, failed: 1, dropped: 0, retried: 1, pending: 0 })
})
