import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { DEFAULT_API_TIMESTAMP_WINDOW_SECONDS } from '../../../domain/auth/api-request-signature.js'
import { InvalidConfigError, type ConfigIssue } from '../../../domain/errors.js'
import type { AppProvider } from '../../../domain/ports/app-provider-port.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'
import type { ServerRateLimits } from '../../../domain/realtime/server-rate-limits.js'
import { closeIfBodyUnread } from '../../close-if-body-unread.js'
import { httpErrorFor, isServerError } from '../../error-mapping.js'
import { registerBatchEventsRoute } from './batch-events-route.js'
import { useBodyLimits } from './body-limits.js'
import { registerChannelRoute } from './channel-route.js'
import { registerChannelUsersRoute } from './channel-users-route.js'
import { registerChannelsRoute } from './channels-route.js'
import { registerEventsRoute } from './events-route.js'
import { useRawBodies } from './raw-body-parser.js'
import { createSignatureCheck, isSignedRequest } from './signature-check.js'
import { registerTerminateConnectionsRoute } from './terminate-connections-route.js'

export { MAX_BATCH_EVENTS } from './batch-events-route.js'
export { MAX_CHANNELS_PER_EVENT } from './event-input.js'

/** Options of {@link pusherApiRoutes}. */
export interface PusherApiOptions {
  /** The apps served, found by the `:appId` of each request. */
  readonly apps: AppProvider
  /** Where events are published and channel state is read. */
  readonly hub: RealtimeHubPort
  /** Seconds a request's `auth_timestamp` may differ from the server clock. @default 600 */
  readonly timestampWindowSeconds?: number
  /** Counts requests against each app's `maxApiRequestsPerSecond` (429 past it). @default no limits */
  readonly rates?: ServerRateLimits
}

/**
 * The Pusher HTTP API, so the official `pusher` SDK (or Laravel's pusher driver) can publish to this server:
 * `POST /apps/:appId/events`, `POST /apps/:appId/batch_events`, `GET /apps/:appId/channels`,
 * `GET /apps/:appId/channels/:channel`, `GET /apps/:appId/channels/:channel/users` and
 * `POST /apps/:appId/users/:userId/terminate_connections`, every request signed (auth_version 1.0).
 *
 * Register it without `fastify-plugin`: its raw-body parser and error handler must stay inside its own context.
 *
 * @example
 * fastify.register(pusherApiRoutes, { apps, hub })
 * // then: new Pusher({ appId, key, secret, host: '127.0.0.1', port, useTLS: false }).trigger('orders', 'shipped', {})
 */
export const pusherApiRoutes: FastifyPluginAsync<PusherApiOptions> = async (fastify, options) => {
  assertValidOptions(options)
  useRawBodies(fastify)
  useBodyLimits(fastify, options.apps)
  fastify.setErrorHandler(answerError)
  const signatureCheck = createSignatureCheck({
    apps: options.apps,
    timestampWindowSeconds: options.timestampWindowSeconds ?? DEFAULT_API_TIMESTAMP_WINDOW_SECONDS,
    prefix: fastify.prefix,
    ...(options.rates === undefined ? {} : { rates: options.rates }),
  })
  fastify.addHook('onRequest', signatureCheck.beforeBody)
  fastify.addHook('preValidation', signatureCheck.afterBody)
  registerRoutes(fastify, options.hub)
}

function registerRoutes(fastify: FastifyInstance, hub: RealtimeHubPort): void {
  registerEventsRoute(fastify, hub)
  registerBatchEventsRoute(fastify, hub)
  registerChannelsRoute(fastify, hub)
  registerChannelRoute(fastify, hub)
  registerChannelUsersRoute(fastify, hub)
  registerTerminateConnectionsRoute(fastify, hub)
}

async function answerError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const response = httpErrorFor(err)
  if (!isSignedRequest(request)) closeIfBodyUnread(request, reply)
  // A 4xx is the client's mistake and is logged quietly; a 5xx is ours (a hub failure) and keeps the error.
  if (isServerError(response)) request.log.error({ err, url: request.url }, 'Pusher API request failed')
  else request.log.debug({ code: response.body.code, error: response.body.error }, 'Pusher API request refused')
  if (response.headers !== undefined) void reply.headers(response.headers)
  return reply.code(response.status).send(response.body)
}

function assertValidOptions(options: PusherApiOptions): void {
  const issues: ConfigIssue[] = []
  if (typeof options.apps?.byId !== 'function') issues.push({ path: 'apps', message: 'must be an AppProvider with byId()' })
  for (const method of ['publish', 'channels', 'channel', 'presenceUsers', 'terminateUser'] as const) {
    if (typeof options.hub?.[method] !== 'function') issues.push({ path: `hub.${method}`, message: 'must be a function (RealtimeHubPort)' })
  }
  const window = options.timestampWindowSeconds
  if (window !== undefined && !(Number.isFinite(window) && window > 0)) {
    issues.push({ path: 'timestampWindowSeconds', message: `must be a positive number of seconds (got ${String(window)})` })
  }
  if (issues.length > 0) throw new InvalidConfigError(issues)
}
