import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PayloadTooLargeError } from '../../../domain/errors.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import { MAX_BATCH_EVENTS } from './batch-events-route.js'

/**
 * Event `data` travels as a JSON string inside the JSON body, so each `"` and `\` of it is escaped:
 * its encoded form is at most twice its size for anything an SDK sends (PHP's json_encode escapes `/` too).
 */
const DATA_ESCAPE_FACTOR = 2
/** An event's fields besides `data`: a name (200), 100 channels of up to 200 characters, socket_id, info. */
const EVENT_ENVELOPE_BYTES = 24 * 1024
/** One batch item's fields besides `data`: a name and one channel (200 each), socket_id, info. */
const BATCH_ITEM_ENVELOPE_BYTES = 1024
/** Routes without a meaningful body (the GETs, terminate_connections). */
const NO_BODY_LIMIT_BYTES = 1024

type BodyLimitOf = (app: Pick<HeraldApp, 'maxEventPayloadSize'>) => number

/** Largest `POST /events` body for an app: its `maxEventPayloadSize` of data, escaped, plus the envelope. */
export const eventsBodyLimit: BodyLimitOf = (app) => DATA_ESCAPE_FACTOR * app.maxEventPayloadSize + EVENT_ENVELOPE_BYTES

/** Largest `POST /batch_events` body for an app: ten events of one channel each. */
export const batchBodyLimit: BodyLimitOf = (app) => MAX_BATCH_EVENTS * (DATA_ESCAPE_FACTOR * app.maxEventPayloadSize + BATCH_ITEM_ENVELOPE_BYTES)

const LIMITS: ReadonlyMap<string, BodyLimitOf> = new Map([
  ['/apps/:appId/events', eventsBodyLimit],
  ['/apps/:appId/batch_events', batchBodyLimit],
])

function limitOf(routeUrl: string, prefix: string): BodyLimitOf {
  return LIMITS.get(routeUrl.slice(prefix.length)) ?? (() => NO_BODY_LIMIT_BYTES)
}

/**
 * Gives each API route a Fastify `bodyLimit` sized to the largest app (it bounds chunked bodies, which
 * declare no length). Call before the routes are added. Per-app limits are checked by {@link assertBodyFits}.
 */
export function useBodyLimits(fastify: FastifyInstance, lookup: { readonly all?: () => readonly HeraldApp[] }): void {
  const apps = typeof lookup.all === 'function' ? lookup.all() : []
  // A lookup that cannot list its apps keeps Fastify's default bodyLimit; the per-app check still applies.
  if (apps.length === 0) return
  fastify.addHook('onRoute', (route) => {
    const limit = limitOf(route.url, fastify.prefix)
    route.bodyLimit ??= Math.max(...apps.map(limit))
  })
}

/** Refuses (413) a request whose `Content-Length` is over its route's limit for `app`, before its body is read. */
export function assertBodyFits(request: FastifyRequest, app: HeraldApp, prefix: string): void {
  const declared = Number(request.headers['content-length'] ?? 0)
  const limit = limitOf(request.routeOptions.url ?? '', prefix)(app)
  if (declared > limit) throw new PayloadTooLargeError(`The body of ${request.method} ${request.routeOptions.url ?? request.url}`, declared, limit)
}
