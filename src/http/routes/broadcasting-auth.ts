import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthorizationResult } from '../../domain/auth/authorization-result.js'
import { InvalidConfigError, type ConfigIssue } from '../../domain/errors.js'
import type { DriverAuthPort } from '../../domain/ports/driver-auth-port.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { closeIfBodyUnread } from '../close-if-body-unread.js'
import { deniedResponse, httpErrorFor, isServerError } from '../error-mapping.js'
import { authenticatedUser, channelNameField, socketIdField, type Authenticate } from './auth-request.js'
import { useFormBodies, useSmallBodies } from './form-body-parser.js'
import { registerUserAuthRoute, type UserAuthenticator } from './user-auth.js'

export type { Authenticate } from './auth-request.js'

/** The prefix the Herald plugin mounts these routes under unless told otherwise (Laravel's path). */
export const DEFAULT_BROADCASTING_AUTH_PREFIX = '/broadcasting'

/** What the routes need from the `ChannelAuthorizer` (the domain's class fits; so does any look-alike). */
export interface BroadcastingAuthorizer extends UserAuthenticator {
  authorize(user: unknown, channelName: string, socketId: string): Promise<AuthorizationResult>
}

/** Options of {@link broadcastingAuthRoutes}. */
export interface BroadcastingAuthOptions {
  /** Decides and signs subscriptions (`ChannelAuthorizer`). */
  readonly authorizer: BroadcastingAuthorizer
  /** Finds the user behind a request; `null`/`undefined` answers 401. */
  readonly authenticate: Authenticate
  /** Where denials and failures are logged. @default the Fastify logger */
  readonly logger?: LoggerPort
  /**
   * The default connection driver's own answer for its client's requests (Ably tokens for
   * `@ably/laravel-echo`); requests it does not claim (pusher-js's, with `socket_id`) keep the Pusher answer.
   * @default undefined (Pusher answers only)
   */
  readonly driverAuth?: DriverAuthPort
}

/**
 * `POST /auth` and `POST /user-auth`, relative to the prefix it is registered under
 * ({@link DEFAULT_BROADCASTING_AUTH_PREFIX} in the Herald plugin): the endpoints pusher-js and Laravel Echo
 * call to sign private, presence and encrypted subscriptions and `pusher:signin`. Accepts form-encoded
 * (pusher-js) and JSON bodies. With `driverAuth`, `/auth` also answers the requests that driver's client
 * sends (e.g. Ably tokens for `@ably/laravel-echo`), as Laravel's broadcasters do. Answers the JSON pusher-js expects, 401 when `authenticate` finds nobody,
 * 403 with the authorizer's reason when denied, 400 naming a missing or malformed field.
 *
 * Register it without `fastify-plugin`: its form parser and error handler must stay inside its own context.
 *
 * @example
 * fastify.register(broadcastingAuthRoutes, {
 *   prefix: '/broadcasting',
 *   authorizer: channels,
 *   authenticate: (request) => usersByToken.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null,
 * })
 */
export const broadcastingAuthRoutes: FastifyPluginAsync<BroadcastingAuthOptions> = async (fastify, options) => {
  assertValidOptions(options)
  const logger: LoggerPort = options.logger ?? fastify.log
  useFormBodies(fastify)
  useSmallBodies(fastify)
  fastify.setErrorHandler(createErrorAnswer(logger))

  fastify.post('/auth', async (request, reply) => {
    const driverAuth = options.driverAuth
    if (driverAuth?.handles(request.body) === true) {
      const requester = (required: boolean) => (required ? authenticatedUser(options.authenticate, request) : guestOrUser(options.authenticate, request))
      const { channel, result } = await driverAuth.answer(request.body as Record<string, unknown>, options.authorizer, requester)
      if (result.allowed) return result.body
      logger[result.error === undefined ? 'info' : 'warn'](
        { reason: result.reason, channel, driver: driverAuth.driver, ...(result.error === undefined ? {} : { err: result.error }) },
        `channel authorization denied: ${result.message}`,
      )
      const denied = deniedResponse(result.reason, result.message)
      return reply.code(denied.status).send(denied.body)
    }
    const user = await authenticatedUser(options.authenticate, request)
    const socketId = socketIdField(request.body)
    const channel = channelNameField(request.body)
    const result = await options.authorizer.authorize(user, channel, socketId)
    if (result.allowed) return result.payload
    // A denial is an expected answer (info); a rule that threw or hung is the app's problem (warn).
    logger[result.error === undefined && result.reason !== 'callback-timeout' ? 'info' : 'warn'](
      { reason: result.reason, channel, socketId, ...(result.error === undefined ? {} : { err: result.error }) },
      `channel authorization denied: ${result.message}`,
    )
    const denied = deniedResponse(result.reason, result.message)
    return reply.code(denied.status).send(denied.body)
  })

  registerUserAuthRoute(fastify, { authorizer: options.authorizer, authenticate: options.authenticate, logger })
}

/** The user, or `null` for a guest (driver answers that also serve guests, e.g. Ably's connection token). */
async function guestOrUser(authenticate: Authenticate, request: FastifyRequest): Promise<unknown> {
  const user: unknown = await authenticate(request)
  return user === undefined || user === false ? null : user
}

function createErrorAnswer(logger: LoggerPort) {
  return async function answerError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const response = httpErrorFor(err)
    closeIfBodyUnread(request, reply)
    // A throwing `authenticate` hook or authorizer is a 500 that keeps the error in the log, never a crash.
    if (isServerError(response)) logger.error({ err, url: request.url }, 'broadcasting auth request failed')
    else logger.debug({ code: response.body.code, error: response.body.error }, 'broadcasting auth request refused')
    return reply.code(response.status).send(response.body)
  }
}

function assertValidOptions(options: BroadcastingAuthOptions): void {
  const issues: ConfigIssue[] = []
  if (typeof options.authenticate !== 'function') issues.push({ path: 'authenticate', message: 'must be a function (request) => user | null' })
  for (const method of ['authorize', 'authenticateUser'] as const) {
    if (typeof options.authorizer?.[method] !== 'function') issues.push({ path: `authorizer.${method}`, message: 'must be a function (ChannelAuthorizer)' })
  }
  if (options.driverAuth !== undefined && typeof options.driverAuth?.handles !== 'function') {
    issues.push({ path: 'driverAuth', message: 'must be a DriverAuthPort (handles(body), answer(body, rules, user))' })
  }
  if (issues.length > 0) throw new InvalidConfigError(issues)
}
