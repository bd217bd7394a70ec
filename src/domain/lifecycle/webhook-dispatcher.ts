import type { AppCredentials } from '../auth/pusher-signature.js'
import type { LifecycleEvent } from './lifecycle-event.js'
import { buildWebhookRequest, type WebhookDeliveryPort } from './webhook-request.js'
import type { WebhookTarget } from './webhook-target.js'

/** An app as the dispatcher needs it: its credentials and webhook targets. */
export interface WebhookApp extends AppCredentials {
  readonly id: string
  readonly webhooks?: readonly WebhookTarget[] | undefined
  /** Whether subscription counts are sent (`subscriptionCount: true`). */
  readonly subscriptionCount?: boolean | undefined
}

/**
 * Turns one batch of an app's events into a signed request per webhook target that wants some of them,
 * and hands each to the delivery port. Apps without webhooks cost a lookup.
 */
export class WebhookDispatcher {
  readonly #app: (appId: string) => WebhookApp | undefined
  readonly #delivery: WebhookDeliveryPort
  readonly #now: () => number

  constructor(app: (appId: string) => WebhookApp | undefined, delivery: WebhookDeliveryPort, now: () => number = Date.now) {
    this.#app = app
    this.#delivery = delivery
    this.#now = now
  }

  /** Whether `appId` has any webhook target (events of other apps need not be batched). */
  wants(appId: string): boolean {
    return (this.#app(appId)?.webhooks?.length ?? 0) > 0
  }

  dispatch(appId: string, events: readonly LifecycleEvent[]): void {
    const app = this.#app(appId)
    if (app === undefined) return
    const timeMs = this.#now()
    for (const target of app.webhooks ?? []) {
      const request = buildWebhookRequest(app, target, events, timeMs)
      if (request !== undefined) this.#delivery.deliver(request)
    }
  }
}
