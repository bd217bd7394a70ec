import { hmacSha256Hex, type AppCredentials } from '../auth/pusher-signature.js'
import { webhookEventJson, type LifecycleEvent } from './lifecycle-event.js'
import { targetWants, type WebhookTarget } from './webhook-target.js'

/** One signed webhook request, ready to `POST`. */
export interface WebhookRequest {
  readonly appId: string
  readonly url: string
  /** `Content-Type`, `X-Pusher-Key`, `X-Pusher-Signature` and the target's own headers. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body the signature covers: `{"time_ms":…,"events":[…]}`. */
  readonly body: string
  /** How many events it carries. */
  readonly events: number
}

/** Where signed requests go: an HTTP sender with its retry queue. Must return at once and never throw. */
export interface WebhookDeliveryPort {
  deliver(request: WebhookRequest): void
}

/**
 * Pusher's webhook request for one target: the target's share of `events` in a `{time_ms, events}` body,
 * signed with the app secret (hex HMAC-SHA256 of the raw body) so the official SDKs' `webhook()` validators
 * accept it unchanged. Undefined when the target wants none of the events.
 */
export function buildWebhookRequest(
  app: AppCredentials & { readonly id: string },
  target: WebhookTarget,
  events: readonly LifecycleEvent[],
  timeMs: number,
): WebhookRequest | undefined {
  const wanted = events.filter((e) => targetWants(target, e))
  if (wanted.length === 0) return undefined
  const body = JSON.stringify({ time_ms: timeMs, events: wanted.map(webhookEventJson) })
  // Ours last: a target's custom headers cannot replace the signature or the content type.
  const headers = { ...target.headers, 'Content-Type': 'application/json', 'X-Pusher-Key': app.key, 'X-Pusher-Signature': hmacSha256Hex(app.secret, body) }
  return { appId: app.id, url: target.url, headers, body, events: wanted.length }
}
