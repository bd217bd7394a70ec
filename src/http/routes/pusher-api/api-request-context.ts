import type { FastifyRequest } from 'fastify'
import type { ApiQuery } from '../../../domain/auth/api-request-signature.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'

/** What the signature check established about a request, handed to the endpoint handlers. */
export interface ApiRequestContext {
  readonly app: HeraldApp
  /** The query as signed (decoded, repeated keys joined with `,`). */
  readonly query: ApiQuery
  /** The body exactly as received (UTF-8 decoded); `''` when there is none. */
  readonly body: string
}

// Keyed by request so nothing is patched onto Fastify's objects and nothing outlives the request.
const contexts = new WeakMap<FastifyRequest, ApiRequestContext>()

/** Records the verified context of `request` (called by the signature check only). */
export function setApiRequestContext(request: FastifyRequest, context: ApiRequestContext): void {
  contexts.set(request, context)
}

/** The verified context of `request`. Throws if the signature check did not run, which is a wiring bug. */
export function apiRequestContextOf(request: FastifyRequest): ApiRequestContext {
  const context = contexts.get(request)
  if (context === undefined) throw new Error(`Pusher API route ${request.url} ran without the signature check`)
  return context
}
