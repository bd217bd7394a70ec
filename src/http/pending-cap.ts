import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify'
import { PendingByAddress } from './pending-by-address.js'

/** Body of the 503 a client over its address's cap gets. */
export const TOO_MANY_PENDING_CODE = 'HERALD_ERR_TOO_MANY_PENDING'
const RETRY_AFTER_SECONDS = '1'

/** What {@link capPendingPerAddress} returns. */
export interface PendingCap {
  readonly counts: PendingByAddress
  /** Routes added from now on are not capped (call once Herald's own routes are registered). */
  seal(): void
}

// The address each acquired request was counted under, so the release needs no closure per request.
const counted = new WeakMap<FastifyRequest, { counts: PendingByAddress; address: string }>()

function releaseOf(request: FastifyRequest): void {
  const entry = counted.get(request)
  if (entry === undefined) return
  counted.delete(request)
  entry.counts.release(entry.address)
}

/**
 * Caps the unfinished requests and pending upgrades each client address may have on the routes added until
 * {@link PendingCap.seal} (Herald's own, not the host app's) that take a body or upgrade. A request over the cap gets 503 with
 * `Retry-After` and its connection closed; it is counted in {@link PendingByAddress.refused}. A request
 * counts from `onRequest` until its response is done or its connection closes; an upgrade until its
 * WebSocket handler takes over.
 */
export function capPendingPerAddress(fastify: FastifyInstance, max: number): PendingCap {
  const counts = new PendingByAddress(max)
  let sealed = false
  const acquire: onRequestHookHandler = function acquire(request, reply, done) {
    if (!counts.tryAcquire(request.ip)) {
      refuse(request, reply)
      return
    }
    counted.set(request, { counts, address: request.ip })
    reply.raw.once('close', () => releaseOf(request))
    done()
  }
  // An upgrade's response never finishes: it stops being pending when the handler (next) accepts it.
  const upgraded: preHandlerHookHandler = function upgraded(request, _reply, done) {
    if (request.ws) releaseOf(request)
    done()
  }
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (sealed || !canBePending(route)) return
    route.onRequest = [acquire, ...asArray(route.onRequest)]
    route.preHandler = [upgraded, ...asArray(route.preHandler)]
  })
  return {
    counts,
    seal() {
      sealed = true
    },
  }
}

function refuse(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(503)
    .header('connection', 'close')
    .header('retry-after', RETRY_AFTER_SECONDS)
    .send({ error: `Too many unfinished requests from ${request.ip}; retry later`, code: TOO_MANY_PENDING_CODE })
}

/**
 * A request without a body is complete once its headers are in (and headers are bounded by the server's
 * headers timeout), so only routes that take a body, and WebSocket upgrades, can be left pending. GETs such
 * as `/up` and `/metrics` stay answerable from an address that is at its cap.
 */
function canBePending(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  return (route as { websocket?: boolean }).websocket === true || methods.some((m) => m !== 'GET' && m !== 'HEAD')
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return []
  return Array.isArray(hooks) ? hooks : [hooks]
}
