import type { IncomingMessage, ServerResponse } from 'node:http'
import { verifyApiRequestBody, type ApiQuery } from '../../../domain/auth/api-request-signature.js'
import { InvalidApiSignatureError } from '../../../domain/errors.js'
import type { AppProvider } from '../../../domain/ports/app-provider-port.js'
import type { LoggerPort } from '../../../domain/ports/logger-port.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import type { ServerRateLimits } from '../../../domain/realtime/server-rate-limits.js'
import { httpErrorFor, isServerError } from '../../error-mapping.js'
import type { PendingByAddress } from '../../pending-by-address.js'
import { eventsBodyLimit } from './body-limits.js'
import { answerEventsRequest } from './events-route.js'
import { checkSignedQuery, unixSeconds, type SignedQueryCheckOptions } from './signed-query-check.js'

/** What {@link DirectEvents} needs: the same parts the Fastify route is registered with. */
export interface DirectEventsOptions {
  readonly apps: AppProvider
  readonly hub: RealtimeHubPort
  readonly rates?: ServerRateLimits | undefined
  /** The per-address count of unfinished requests the Fastify routes share (the cap applies to both paths). */
  readonly pending: PendingByAddress
  /** The prefix the API is mounted under. */
  readonly prefix: string
  readonly timestampWindowSeconds: number
  readonly logger: LoggerPort
  /** Server clock in unix seconds; injectable for tests. @default Date.now() / 1000 */
  readonly nowSeconds?: () => number
}

const EVENTS_SUFFIX = '/events'

/**
 * `herald serve`'s direct path for a well-formed `POST /apps/:appId/events`, the request every broadcast makes.
 *
 * Measured with the server pinned to its own core (bench/README.md): on a server that was idle for a few tens of
 * milliseconds, as at 20 events/s, every line of code runs 20× slower than warm, and Fastify's request
 * lifecycle (routing, request and reply objects, child logger, three onRequest hooks, the content-type parser)
 * took about half of the 0.6 ms from the request to the first socket write. This path does only what the route
 * does: the same query check ({@link checkSignedQuery}), the same per-app body limit, the same pending cap,
 * `body_md5`, then the same handler ({@link answerEventsRequest}), and answers errors with the same table.
 *
 * It takes a request only when nothing about it needs Fastify: anything unusual (another route, an app found
 * only asynchronously, no Content-Length, a body over the limit, a refused signature or rate, an address at its
 * cap) is left to Fastify before a byte of its body is read, so Fastify answers it exactly as before.
 */
export class DirectEvents {
  readonly #options: DirectEventsOptions
  readonly #appsPrefix: string
  readonly #queryCheck: SignedQueryCheckOptions
  #open = true
  #taken = 0

  constructor(options: DirectEventsOptions) {
    this.#options = options
    this.#appsPrefix = `${options.prefix}/apps/`
    this.#queryCheck = {
      timestampWindowSeconds: options.timestampWindowSeconds,
      prefix: options.prefix,
      rates: options.rates,
      nowSeconds: options.nowSeconds ?? unixSeconds,
    }
  }

  /** Requests this path has taken (for tests and diagnostics). */
  get taken(): number {
    return this.#taken
  }

  /** From now on every request goes to Fastify (which answers 503 while closing). */
  stop(): void {
    this.#open = false
  }

  /** Takes and answers `req` when it is a well-formed events request; false leaves it untouched for Fastify. */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.#open || req.method !== 'POST') return false
    const url = req.url ?? ''
    const queryStart = url.indexOf('?')
    if (queryStart === -1 || !url.startsWith(this.#appsPrefix)) return false
    const path = url.slice(0, queryStart)
    if (!path.endsWith(EVENTS_SUFFIX)) return false
    const appId = path.slice(this.#appsPrefix.length, path.length - EVENTS_SUFFIX.length)
    // Ids Fastify would decode or route elsewhere stay with Fastify.
    if (appId === '' || appId.includes('/') || appId.includes('%')) return false
    const declared = declaredLength(req)
    if (declared === undefined) return false
    const app = this.#options.apps.byId(appId)
    if (app === undefined || app instanceof Promise || declared > eventsBodyLimit(app)) return false

    const { pending } = this.#options
    const address = req.socket.remoteAddress ?? ''
    // At the cap, Fastify refuses it (503) and counts the refusal once.
    if (pending.atCap(address) || !pending.tryAcquire(address)) return false
    let query: ApiQuery
    try {
      query = checkSignedQuery(app, 'POST', url, this.#queryCheck)
    } catch {
      pending.release(address)
      return false
    }
    this.#taken++
    res.once('close', () => pending.release(address))
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => this.#answer(res, app, query, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
    // A socket error ends the request with its connection (res 'close' releases the count).
    req.on('error', () => undefined)
    return true
  }

  #answer(res: ServerResponse, app: HeraldApp, query: ApiQuery, raw: Buffer): void {
    const check = verifyApiRequestBody(query, raw)
    if (!check.ok) {
      this.#fail(res, new InvalidApiSignatureError(check.problem, check.message))
      return
    }
    answerEventsRequest(this.#options.hub, app, raw.toString('utf8')).then(
      (answer) => sendJson(res, 200, answer),
      (err: unknown) => this.#fail(res, err),
    )
  }

  #fail(res: ServerResponse, err: unknown): void {
    const response = httpErrorFor(err)
    // As the route's error handler: a 4xx is the client's mistake, a 5xx is ours and is logged with its error.
    if (isServerError(response)) this.#options.logger.error({ err, url: res.req.url }, 'Pusher API request failed')
    sendJson(res, response.status, response.body, response.headers)
  }
}

/** The Content-Length of a request with a fixed-length body; undefined for chunked or absent lengths. */
function declaredLength(req: IncomingMessage): number | undefined {
  if (req.headers['transfer-encoding'] !== undefined) return undefined
  const raw = req.headers['content-length']
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined
  return Number(raw)
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) return
  const json = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) })
  res.end(json)
}
