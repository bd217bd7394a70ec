import type { MetricFamily } from './prometheus-text.js'

/** The webhook sender's counters as `/metrics` shows them. */
export interface WebhookStats {
  readonly delivered: number
  readonly failed: number
  readonly dropped: number
  readonly retried: number
  readonly pending: number
}

/** Prometheus families of the webhook sender: deliveries, failures after the retry bound, overflow, retries, backlog. */
export function webhookMetricFamilies(stats: WebhookStats): MetricFamily[] {
  return [
    { name: 'herald_webhooks_delivered_total', help: 'Webhook requests a receiver answered with 2xx.', type: 'counter', samples: [{ value: stats.delivered }] },
    { name: 'herald_webhooks_failed_total', help: 'Webhook requests given up after retrying for the bounded time.', type: 'counter', samples: [{ value: stats.failed }] },
    { name: 'herald_webhooks_dropped_total', help: 'Webhook requests dropped because the delivery queue was full.', type: 'counter', samples: [{ value: stats.dropped }] },
    { name: 'herald_webhooks_retried_total', help: 'Webhook attempts that failed and were scheduled again.', type: 'counter', samples: [{ value: stats.retried }] },
    { name: 'herald_webhooks_pending', help: 'Webhook requests queued, in flight or waiting to retry.', type: 'gauge', samples: [{ value: stats.pending }] },
  ]
}
