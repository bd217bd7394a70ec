import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * For an answer given before the request's body was read (a refusal from its headers alone): asks Node to
 * close the connection after the answer instead of reading and discarding the rest of the body, which a
 * hostile client could make as long and as slow as it likes.
 */
export function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete) reply.header('connection', 'close')
}
