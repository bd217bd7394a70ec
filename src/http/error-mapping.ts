import { HeraldError, HeraldErrorCode } from '../domain/errors.js'

/** The JSON body of every Herald HTTP error: a sentence naming the bad value, and the stable code. */
export interface HttpErrorBody {
  readonly error: string
  readonly code: string
  /** For authorization denials: the authorizer's short reason (`no_matching_rule`, `denied`, …). */
  readonly reason?: string
}

/** A status and body to answer with. */
export interface HttpErrorResponse {
  readonly status: number
  readonly body: HttpErrorBody
  /** Extra response headers (`Retry-After` of a 429). */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * The one table from error code to HTTP status, with Pusher's HTTP API statuses where it defines them
 * (400 bad params, 401 auth error, 413 data too large) and Reverb's/Soketi's 404 for an unknown app.
 * Codes not listed (and anything that is not a Herald error) are 500, with a generic message.
 */
const STATUS_BY_CODE: Partial<Record<HeraldErrorCode, number>> = {
  [HeraldErrorCode.InvalidRequest]: 400,
  [HeraldErrorCode.InvalidChannelName]: 400,
  [HeraldErrorCode.InvalidEventName]: 400,
  [HeraldErrorCode.InvalidSocketId]: 400,
  [HeraldErrorCode.InvalidEvent]: 400,
  [HeraldErrorCode.InvalidApiSignature]: 401,
  [HeraldErrorCode.Unauthenticated]: 401,
  [HeraldErrorCode.UnknownApp]: 404,
  [HeraldErrorCode.PayloadTooLarge]: 413,
  [HeraldErrorCode.RateLimited]: 429,
}

/** Status of an authorizer's denial (`allowed: false`): the one place it is decided. */
export const DENIED_STATUS = 403

/** Code put in the body of a denial, so clients can tell it from other 403s. */
export const DENIED_CODE = 'HERALD_ERR_FORBIDDEN'

/** Maps any thrown value to the status and body to answer with. Internal errors never leak their message. */
export function httpErrorFor(err: unknown): HttpErrorResponse {
  if (HeraldError.is(err)) {
    const status = STATUS_BY_CODE[err.code]
    if (status === undefined) return { status: 500, body: { error: 'Internal server error', code: 'HERALD_ERR_INTERNAL' } }
    const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds
    const headers = typeof retryAfter === 'number' ? { headers: { 'retry-after': String(retryAfter) } } : {}
    return { status, body: { error: err.message, code: err.code }, ...headers }
  }
  // Fastify's own client errors (body too large, bad content type, malformed JSON) keep their 4xx.
  const fastifyStatus = fastifyClientStatus(err)
  if (fastifyStatus !== undefined) {
    const { message, code } = err as { message: string; code: string }
    return { status: fastifyStatus, body: { error: message, code } }
  }
  return { status: 500, body: { error: 'Internal server error', code: 'HERALD_ERR_INTERNAL' } }
}

function fastifyClientStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const { statusCode, code, message } = err as { statusCode?: unknown; code?: unknown; message?: unknown }
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof message !== 'string') return undefined
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined
}

/** True when {@link httpErrorFor} would answer 5xx, i.e. the error is ours and should be logged at `error`. */
export function isServerError(response: HttpErrorResponse): boolean {
  return response.status >= 500
}

/** The 403 answered when the `ChannelAuthorizer` says no. */
export function deniedResponse(reason: string, message: string): HttpErrorResponse {
  return { status: DENIED_STATUS, body: { error: message, code: DENIED_CODE, reason } }
}
