import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * Request logging for `herald serve`: a busy server takes an HTTP API publish per event, and an info
 * line for each request's start and end would cost more than the publish itself and drown everything
 * else. Those lines go to `debug` (`LOG_LEVEL=debug` brings them back); failed requests are still
 * logged at `error`, and handler errors through Fastify's default error log, unchanged.
 */
export class ServerLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return
    request.log.debug(`Route ${request.raw.method ?? ''}:${request.raw.url ?? ''} not found`)
  }
}
