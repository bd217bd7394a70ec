import { tryParseApiQuery, verifyApiRequestQuery, type ApiQuery } from '../../../domain/auth/api-request-signature.js'
import { InvalidApiSignatureError, InvalidRequestError, RateLimitedError } from '../../../domain/errors.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import type { ServerRateLimits } from '../../../domain/realtime/server-rate-limits.js'

/** What {@link checkSignedQuery} needs besides the request. */
export interface SignedQueryCheckOptions {
  /** Seconds `auth_timestamp` may be off. */
  readonly timestampWindowSeconds: number
  /** The prefix the API is mounted under; clients sign the path without it (as Reverb strips its own). */
  readonly prefix: string
  /** Counts signed requests against the app's `maxApiRequestsPerSecond`. @default no limits */
  readonly rates?: ServerRateLimits | undefined
  /** Server clock in unix seconds. */
  readonly nowSeconds: () => number
}

/** The server clock in unix seconds, the default of every `nowSeconds` option. */
export const unixSeconds = (): number => Date.now() / 1000

/**
 * The half of a Pusher API request's check that needs no body: query syntax (400), key, version, timestamp and
 * signature (401), then the app's request rate (429, counted only once the signature checks out, so a stranger
 * who knows only the app id cannot use up the app's requests). Returns the signed query or throws the coded error.
 */
export function checkSignedQuery(app: HeraldApp, method: string, url: string, options: SignedQueryCheckOptions): ApiQuery {
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  const query = tryParseApiQuery(queryStart === -1 ? '' : url.slice(queryStart + 1))
  if (query === undefined) throw new InvalidRequestError('query string', 'contains a malformed percent-escape')
  const check = verifyApiRequestQuery(app, {
    method,
    paths: signedPathCandidates(path, options.prefix),
    query,
    nowSeconds: options.nowSeconds(),
    timestampWindowSeconds: options.timestampWindowSeconds,
  })
  if (!check.ok) throw new InvalidApiSignatureError(check.problem, check.message)
  if (options.rates !== undefined && !options.rates.allowApiRequest(app)) {
    throw new RateLimitedError(`App ${JSON.stringify(app.id)} is over its limit of ${app.maxApiRequestsPerSecond} API requests per second`, options.rates.retryAfterSeconds())
  }
  return query
}

/** The path without the mount prefix (what the SDKs sign), then as received, then percent-decoded. */
function signedPathCandidates(path: string, prefix: string): string[] {
  // The common case, worth its own line: nothing to strip and nothing to decode.
  if (prefix === '' && !path.includes('%')) return [path]
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
