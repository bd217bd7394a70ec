import type { AppCredentials } from './pusher-signature.js'
import { hmacSha256Hex, md5Hex, verifyPusherSignature } from './pusher-signature.js'

/** Seconds an HTTP API request's `auth_timestamp` may differ from the server clock (Pusher's window). */
export const DEFAULT_API_TIMESTAMP_WINDOW_SECONDS = 600

/** The only `auth_version` the Pusher HTTP API defines. */
export const API_AUTH_VERSION = '1.0'

/** Query parameters of one request, decoded, in the order they appeared. Repeated keys are joined with `,`. */
export type ApiQuery = ReadonlyMap<string, string>

/** Why an HTTP API request was refused before reaching its endpoint. */
export type ApiSignatureProblem =
  | 'missing_param'
  | 'wrong_key'
  | 'unsupported_version'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'body_md5_mismatch'
  | 'bad_signature'

/** Outcome of {@link verifyApiRequest}: a value, never a throw, because a bad request is expected input. */
export type ApiSignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: ApiSignatureProblem; readonly message: string }

/** What {@link verifyApiRequest} needs to know about one request. */
export interface SignedApiRequest {
  /** Upper-case HTTP method. */
  readonly method: string
  /**
   * Paths the client may have signed, tried in order (e.g. the path without the server's mount prefix,
   * then the path as received). The Pusher SDKs sign `/apps/{id}/...`.
   */
  readonly paths: readonly string[]
  readonly query: ApiQuery
  /** The body bytes exactly as received; empty when there is none. */
  readonly rawBody: string | Uint8Array
  /** Server clock, unix seconds. */
  readonly nowSeconds: number
  /** @default 600 */
  readonly timestampWindowSeconds?: number | undefined
}

/**
 * Parses a raw query string (without `?`) the way the Pusher SDKs build it: `k=v` pairs joined by `&`,
 * values percent-decoded (PHP encodes them, Node does not). `+` is kept as is, since neither SDK uses it for a space.
 * Returns `undefined` when a pair cannot be percent-decoded.
 */
export function tryParseApiQuery(raw: string): Map<string, string> | undefined {
  const query = new Map<string, string>()
  if (raw === '') return query
  for (const pair of raw.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const rawKey = eq === -1 ? pair : pair.slice(0, eq)
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1)
    const key = decodedOrUndefined(rawKey)
    const value = decodedOrUndefined(rawValue)
    // A malformed escape makes the whole query unusable; the caller answers 400/401.
    if (key === undefined || value === undefined) return undefined
    // Array params (`channels[]=a&channels[]=b`) are joined with ',' as Reverb does, so they sign one way.
    const previous = query.get(key)
    query.set(key, previous === undefined ? value : `${previous},${value}`)
  }
  return query
}

/** Percent-decoded (most SDK parameters have no escape, and decoding costs more than the check), or undefined. */
function decodedOrUndefined(raw: string): string | undefined {
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/**
 * The string the Pusher HTTP API signs: `METHOD\npath\nk=v&k=v` with every parameter but `auth_signature`,
 * keys sorted by code unit, values not escaped.
 *
 * @example
 * apiStringToSign('POST', '/apps/3/events', new Map([['auth_key', 'k'], ['auth_timestamp', '1']]))
 * // 'POST\n/apps/3/events\nauth_key=k&auth_timestamp=1'
 */
export function apiStringToSign(method: string, path: string, query: ApiQuery): string {
  const pairs: string[] = []
  for (const key of [...query.keys()].sort(compareCodeUnits)) {
    if (key === 'auth_signature') continue
    pairs.push(`${key}=${query.get(key) ?? ''}`)
  }
  return `${method.toUpperCase()}\n${path}\n${pairs.join('&')}`
}

/** Hex signature of an HTTP API request, as a client computes it. */
export function signApiRequest(secret: string, method: string, path: string, query: ApiQuery): string {
  return hmacSha256Hex(secret, apiStringToSign(method, path, query))
}

/**
 * Checks an HTTP API request the way Pusher does, and stricter than Reverb and Soketi:
 * the key, `auth_version`, `auth_timestamp` within the window, the HMAC signature (compared in constant
 * time), then `body_md5` against the raw body. The same as {@link verifyApiRequestQuery} followed by
 * {@link verifyApiRequestBody}.
 */
export function verifyApiRequest(credentials: AppCredentials, request: SignedApiRequest): ApiSignatureCheck {
  const queryCheck = verifyApiRequestQuery(credentials, request)
  return queryCheck.ok ? verifyApiRequestBody(request.query, request.rawBody) : queryCheck
}

/**
 * Everything {@link verifyApiRequest} checks except the body: the signature covers `body_md5` as a query
 * parameter, so a server can refuse an unsigned or forged request before reading a byte of its body.
 */
export function verifyApiRequestQuery(credentials: AppCredentials, request: Omit<SignedApiRequest, 'rawBody'>): ApiSignatureCheck {
  const { query } = request
  for (const name of ['auth_key', 'auth_timestamp', 'auth_version', 'auth_signature'] as const) {
    if (query.get(name) === undefined) return refuse('missing_param', `Missing query parameter ${name}`)
  }
  const key = query.get('auth_key') ?? ''
  // The key is public (every client page has it): a plain comparison leaks nothing.
  if (key !== credentials.key) return refuse('wrong_key', `Unknown auth_key ${JSON.stringify(key)} for this app`)
  const version = query.get('auth_version') ?? ''
  if (version !== API_AUTH_VERSION) {
    return refuse('unsupported_version', `Unsupported auth_version ${JSON.stringify(version)}; expected "${API_AUTH_VERSION}"`)
  }

  const timestampCheck = checkTimestamp(query.get('auth_timestamp') ?? '', request)
  if (!timestampCheck.ok) return timestampCheck

  const given = query.get('auth_signature') ?? ''
  // Every candidate is computed and compared, so the time taken does not reveal which one matched.
  let matched = false
  for (const path of request.paths) {
    if (verifyPusherSignature(signApiRequest(credentials.secret, request.method, path, query), given)) matched = true
  }
  if (!matched) {
    const first = request.paths[0] ?? ''
    return refuse(
      'bad_signature',
      `Invalid signature: expected HMAC-SHA256 hex digest of ${JSON.stringify(apiStringToSign(request.method, first, query))}`,
    )
  }
  return { ok: true }
}

/** The body half of {@link verifyApiRequest}: a body needs `body_md5`, and it must be the body's MD5. */
export function verifyApiRequestBody(query: ApiQuery, rawBody: string | Uint8Array): ApiSignatureCheck {
  const bodyMd5 = query.get('body_md5')
  if (rawBody.length > 0 && bodyMd5 === undefined) return refuse('missing_param', 'Missing query parameter body_md5 for a request with a body')
  if (bodyMd5 !== undefined && !verifyPusherSignature(md5Hex(rawBody), bodyMd5)) {
    return refuse('body_md5_mismatch', 'body_md5 does not match the MD5 of the request body')
  }
  return { ok: true }
}

function checkTimestamp(raw: string, request: Pick<SignedApiRequest, 'nowSeconds' | 'timestampWindowSeconds'>): ApiSignatureCheck {
  if (!/^\d{1,12}$/.test(raw)) return refuse('bad_timestamp', `auth_timestamp ${JSON.stringify(raw)} is not unix seconds`)
  const window = request.timestampWindowSeconds ?? DEFAULT_API_TIMESTAMP_WINDOW_SECONDS
  const skew = Math.abs(request.nowSeconds - Number(raw))
  if (skew > window) {
    return refuse(
      'stale_timestamp',
      `Timestamp expired: auth_timestamp ${raw} is ${Math.round(skew)} s from the server time ${Math.floor(request.nowSeconds)} (allowed: ${window} s); check the client's clock`,
    )
  }
  return { ok: true }
}

function refuse(problem: ApiSignatureProblem, message: string): ApiSignatureCheck {
  return { ok: false, problem, message }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
