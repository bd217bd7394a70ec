import { Gauge, type Registry } from 'prom-client'
import { copiedCounter } from './copied-counter.js'

/** The webhook sender's counters as `/metrics` shows them. */
export interface WebhookStats {
  readonly delivered: number
  readonly failed: number
  readonly dropped: number
  readonly retried: number
  readonly pending: number
}

/**
 * Registers the webhook sender's families on `registry`, read from `stats` at each scrape: deliveries, failures
 * after the retry bound, overflow of the bounded queue, retries, and the backlog.
 */
export function registerWebhookMetrics(registry: Registry, stats: () => WebhookStats): void {
  const total = (name: string, help: string, pick: (s: WebhookStats) => number) => copiedCounter(registry, name, help, () => pick(stats()))
  total('herald_webhooks_delivered_total', 'Webhook requests a receiver answered with 2xx.', (s) => s.delivered)
  total('herald_webhooks_failed_total', 'Webhook requests given up after retrying for the bounded time.', (s) => s.failed)
  total('herald_webhooks_dropped_total', 'Webhook requests dropped because the delivery queue was full.', (s) => s.dropped)
  total('herald_webhooks_retried_total', 'Webhook attempts that failed and were scheduled again.', (s) => s.retried)
  const pending = new Gauge({
    name: 'herald_webhooks_pending',
    help: 'Webhook requests queued, in flight or waiting to retry.',
    registers: [],
    collect() {
      this.set(stats().pending)
    },
  })
  registry.registerMetric(pending)
}
