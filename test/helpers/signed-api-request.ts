import { createHash, createHmac } from 'node:crypto'

/** How to build (and deliberately break) one signed Pusher HTTP API request. */
export interface SignedRequestOptions {
  readonly baseUrl: string
  readonly method: 'GET' | 'POST'
  /** Path as signed, e.g. `/apps/app-id/events`. */
  readonly path: string
  /** Prepended to the URL but not signed (a server mount prefix). */
  readonly mountPrefix?: string
  readonly key: string
  readonly secret: string
  readonly body?: string
  readonly params?: Record<string, string>
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number
  /** Overrides the body_md5 sent (signed as given). */
  readonly bodyMd5?: string
  /** Replaces the computed signature. */
  readonly signature?: string
  /** Sends the request (default: the global fetch); e.g. a function that passes it to `fastify.inject`. */
  readonly fetch?: (url: string, init: { method: string; body?: string }) => Promise<Response>
}

/**
 * Signs a request exactly as the Pusher SDKs do, written independently of Herald's own code so a shared
 * bug cannot make both sides agree: sorted `k=v` params, HMAC-SHA256 of `METHOD\npath\nquery`.
 */
export async function signedApiRequest(options: SignedRequestOptions): Promise<{ status: number; body: unknown; headers: Headers }> {
  const params: Record<string, string> = {
    auth_key: options.key,
    auth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
    ...options.params,
  }
  if (options.body !== undefined) params.body_md5 = options.bodyMd5 ?? createHash('md5').update(options.body).digest('hex')
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
  const signature = options.signature ?? createHmac('sha256', options.secret).update(`${options.method}\n${options.path}\n${query}`).digest('hex')
  const url = `${options.baseUrl}${options.mountPrefix ?? ''}${options.path}?${query}&auth_signature=${signature}`
  const send = options.fetch ?? ((u: string, init: RequestInit) => fetch(u, init))
  const response = await send(url, {
    method: options.method,
    ...(options.body !== undefined ? { body: options.body, headers: { 'content-type': 'application/json' } } : {}),
    signal: AbortSignal.timeout(5000),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: the test sees the raw text, which its assertion will show.
  }
  // `headers` is non-enumerable, so tests comparing `{ status, body }` with deepEqual keep working.
  return Object.defineProperty({ status: response.status, body }, 'headers', { value: response.headers, enumerable: false }) as { status: number; body: unknown; headers: Headers }
}
