import type { FastifyInstance } from 'fastify'

/** Largest form body accepted: an auth request is a socket id, a channel name and a few custom params. */
export const MAX_FORM_BODY_BYTES = 16 * 1024

/**
 * Holds every route of this context (form and JSON bodies alike) to {@link MAX_FORM_BODY_BYTES}: Fastify
 * refuses a larger `Content-Length` with 413 before reading the body. Call before the routes are added.
 */
export function useSmallBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= MAX_FORM_BODY_BYTES
  })
}

/**
 * Adds an `application/x-www-form-urlencoded` parser (what pusher-js posts to the auth endpoints) to this
 * encapsulated context only, so the host app's parsers are untouched. Repeated keys keep the last value.
 * `Object.fromEntries` defines own properties, so a `__proto__` field cannot reach the prototype.
 */
export function useFormBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_FORM_BODY_BYTES }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
}
