import type { FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify'
import { DEFAULT_API_TIMESTAMP_WINDOW_SECONDS, verifyApiRequestBody, type ApiQuery } from '../../../domain/auth/api-request-signature.js'
import { InvalidApiSignatureError, UnknownAppError } from '../../../domain/errors.js'
import type { AppProvider } from '../../../domain/ports/app-provider-port.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import type { ServerRateLimits } from '../../../domain/realtime/server-rate-limits.js'
import { setApiRequestContext } from './api-request-context.js'
import { assertBodyFits } from './body-limits.js'
import { rawBodyOf } from './raw-body-parser.js'
import { checkSignedQuery, unixSeconds, type SignedQueryCheckOptions } from './signed-query-check.js'

/** Options of {@link createSignatureCheck}. */
export interface SignatureCheckOptions {
  /** Where apps are found by id: the config's (at once) or a database's (a promise). */
  readonly apps: AppProvider
  /** Seconds `auth_timestamp` may be off. @default 600 */
  readonly timestampWindowSeconds?: number | undefined
  /** The prefix the API is mounted under; clients sign the path without it (as Reverb strips its own). */
  readonly prefix: string
  /** Counts signed requests against the app's `maxApiRequestsPerSecond` (429 past it). @default no limits */
  readonly rates?: ServerRateLimits
  /** Server clock in unix seconds; injectable for tests. @default Date.now() / 1000 */
  readonly nowSeconds?: () => number
}

/** The two halves of the check: one before the body is read, one after. */
export interface SignatureCheckHooks {
  /** `onRequest`: app (404), key, timestamp and signature (401), then the body size (413), before any body byte is read. */
  readonly beforeBody: onRequestAsyncHookHandler
  /** `preValidation`: `body_md5` against the body as received (401), then records the verified context. */
  readonly afterBody: preValidationAsyncHookHandler
}

// What the first half established, for the second; keyed by request so nothing is patched onto Fastify's objects.
const verified = new WeakMap<FastifyRequest, { app: HeraldApp; query: ApiQuery }>()

/** True once the request's key, timestamp and signature were verified (its body may still be unread). */
export function isSignedRequest(request: FastifyRequest): boolean {
  return verified.has(request)
}

/**
 * Verifies a Pusher API request in two steps. The signature covers every query parameter, `body_md5` included,
 * so an unsigned or forged request is refused before its body costs anything; only the MD5 needs the body.
 */
export function createSignatureCheck(options: SignatureCheckOptions): SignatureCheckHooks {
  // Built once: the check runs on every API request.
  const queryCheck: SignedQueryCheckOptions = {
    timestampWindowSeconds: options.timestampWindowSeconds ?? DEFAULT_API_TIMESTAMP_WINDOW_SECONDS,
    prefix: options.prefix,
    rates: options.rates,
    nowSeconds: options.nowSeconds ?? unixSeconds,
  }
  return {
    async beforeBody(request) {
      const appId = (request.params as { appId?: string }).appId ?? ''
      const app = await options.apps.byId(appId)
      if (app === undefined) throw new UnknownAppError(appId)

      const query = checkSignedQuery(app, request.method, request.url, queryCheck)
      verified.set(request, { app, query })
      assertBodyFits(request, app, options.prefix)
    },
    async afterBody(request) {
      const head = verified.get(request)
      if (head === undefined) throw new Error(`Pusher API route ${request.url} ran without the signature check`)
      const raw = rawBodyOf(request)
      const check = verifyApiRequestBody(head.query, raw)
      if (!check.ok) throw new InvalidApiSignatureError(check.problem, check.message)
      setApiRequestContext(request, { app: head.app, query: head.query, body: raw.toString('utf8') })
    },
  }
}
