import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * For an answer given to an unauthenticated request before its body was read (a refusal from its headers
 * alone): asks Node to close the connection right after the answer instead of reading and discarding the
 * rest of the body, which a hostile client could make as long and as slow as it likes. A client still
 * sending may see a reset instead of the answer; authenticated requests are not passed here, so a signed
 * publisher over a size limit reads its 413 (Node discards its body, bounded by the request timeout).
 */
export function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.raw.complete) reply.header('connection', 'close')
}
