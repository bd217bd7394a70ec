import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import { tryParseApiQuery, verifyApiRequest } from '../../../domain/auth/api-request-signature.js'
import { InvalidApiSignatureError, InvalidRequestError, RateLimitedError, UnknownAppError } from '../../../domain/errors.js'
import type { AppProvider } from '../../../domain/ports/app-provider-port.js'
import type { ServerRateLimits } from '../../../domain/realtime/server-rate-limits.js'
import { setApiRequestContext } from './api-request-context.js'
import { rawBodyOf } from './raw-body-parser.js'

/** Options of {@link createSignatureCheck}. */
export interface SignatureCheckOptions {
  readonly apps: AppProvider
  /** Seconds `auth_timestamp` may be off. @default 600 */
  readonly timestampWindowSeconds?: number | undefined
  /** The prefix the API is mounted under; clients sign the path without it (as Reverb strips its own). */
  readonly prefix: string
  /** Counts verified requests against the app's `maxApiRequestsPerSecond`. @default no limits */
  readonly rates?: ServerRateLimits
  /** Server clock in unix seconds; injectable for tests. @default Date.now() / 1000 */
  readonly nowSeconds?: () => number
}

/**
 * A `preValidation` hook that finds the app (404), then verifies key, timestamp, body_md5 and signature (401)
 * before any endpoint code runs, and records the verified context for the handler.
 */
export function createSignatureCheck(options: SignatureCheckOptions): preValidationAsyncHookHandler {
  const now = options.nowSeconds ?? (() => Date.now() / 1000)
  return async function signatureCheck(request: FastifyRequest) {
    const appId = (request.params as { appId?: string }).appId ?? ''
    const app = await options.apps.byId(appId)
    if (app === undefined) throw new UnknownAppError(appId)

    const queryStart = request.url.indexOf('?')
    const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart)
    const query = tryParseApiQuery(queryStart === -1 ? '' : request.url.slice(queryStart + 1))
    if (query === undefined) throw new InvalidRequestError('query string', 'contains a malformed percent-escape')

    const raw = rawBodyOf(request)
    const check = verifyApiRequest(app, {
      method: request.method,
      paths: signedPathCandidates(path, options.prefix),
      query,
      rawBody: raw,
      nowSeconds: now(),
      timestampWindowSeconds: options.timestampWindowSeconds,
    })
    if (!check.ok) throw new InvalidApiSignatureError(check.problem, check.message)
    // Counted once signed: a stranger who knows only the app id cannot use up the app's requests.
    if (options.rates !== undefined && !options.rates.allowApiRequest(app)) {
      throw new RateLimitedError(`App ${JSON.stringify(app.id)} is over its limit of ${app.maxApiRequestsPerSecond} API requests per second`, options.rates.retryAfterSeconds())
    }

    setApiRequestContext(request, { app, query, body: raw.toString('utf8') })
  }
}

/** The path without the mount prefix (what the SDKs sign), then as received, then percent-decoded. */
function signedPathCandidates(path: string, prefix: string): string[] {
  const candidates = new Set<string>()
  if (prefix !== '' && path.startsWith(prefix)) candidates.add(path.slice(prefix.length))
  candidates.add(path)
  for (const candidate of [...candidates]) {
    try {
      candidates.add(decodeURIComponent(candidate))
    } catch {
      // Not decodable: the raw candidates above are the only ones a client could have signed.
    }
  }
  return [...candidates]
}
