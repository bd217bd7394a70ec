import type { WebhookRequest } from '../../domain/lifecycle/webhook-request.js'

/**
 * One attempt: `POST`s the signed request and resolves on a 2xx; rejects naming the status, the network error or
 * the timeout otherwise. The response body is not needed; cancelling it frees the connection for the next request.
 */
export async function postWebhook(request: WebhookRequest, timeoutMs: number): Promise<void> {
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) })
  await res.body?.cancel().catch(() => {})
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
}

/** A failed attempt as logs show it: `HTTP 503`, `TimeoutError: …`, `TypeError: fetch failed`. */
export function attemptProblem(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  return err.message.startsWith('HTTP ') ? err.message : `${err.name}: ${err.message}`
}
