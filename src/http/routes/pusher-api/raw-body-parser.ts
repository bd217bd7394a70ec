import type { FastifyInstance, FastifyRequest } from 'fastify'

const EMPTY = Buffer.alloc(0)

/**
 * Replaces the context's body parsers with one that keeps every body as raw bytes: `body_md5` is signed over
 * the bytes as sent, and event `data` is forwarded verbatim, so nothing may parse and re-serialise it first.
 * Call inside an encapsulated (non-fastify-plugin) context so the host app's parsers are untouched.
 */
export function useRawBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body)
  })
}

/** The raw body of a request parsed by {@link useRawBodies}; empty when it had none. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : EMPTY
}
