import { HttpWebhookSender, type HttpWebhookSenderOptions, type WebhookSenderStats } from '../adapters/webhooks/http-webhook-sender.js'
import { createLifecyclePipeline, type LifecyclePipeline, type LifecyclePipelineOptions } from '../domain/lifecycle/lifecycle-pipeline.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import type { AppLookup } from '../domain/realtime/herald-app.js'

/** A server's lifecycle events: the pipeline the hub reports to, and the webhook sender behind it. */
export interface ServerLifecycle {
  readonly pipeline: LifecyclePipeline
  /** Webhook delivery counters, for `/metrics`. */
  stats(): WebhookSenderStats
  /** Sends what is held, then gives the sender up to `graceMs` to drain its queue. */
  close(graceMs?: number): Promise<void>
}

/** Tuning of {@link createServerLifecycle}, for tests and embedders. */
export interface ServerLifecycleOptions {
  readonly sender?: Omit<HttpWebhookSenderOptions, 'logger'>
  readonly pipeline?: Pick<LifecyclePipelineOptions, 'delayMs' | 'batchWindowMs' | 'batchMaxEvents'>
}

/** Longest a closing server waits for queued webhooks to go out, ms. */
const CLOSE_GRACE_MS = 2000

/** Builds the lifecycle pipeline over the configured apps' webhook targets, delivering over HTTP. */
export function createServerLifecycle(apps: AppLookup, logger: LoggerPort, options: ServerLifecycleOptions = {}): ServerLifecycle {
  const sender = new HttpWebhookSender({ logger, ...options.sender })
  const pipeline = createLifecyclePipeline({
    app: (appId) => apps.byId(appId),
    delivery: sender,
    onHookError: (err, event) => logger.error({ err, event: event.name, channel: event.channel }, 'a lifecycle hook listener failed'),
    onCountError: (err, appId, channel) => logger.warn({ err, appId, channel }, 'sending a subscription count failed'),
    ...options.pipeline,
  })
  return {
    pipeline,
    stats: () => sender.stats(),
    async close(graceMs = CLOSE_GRACE_MS) {
      pipeline.flush()
      await sender.close(graceMs)
    },
  }
}
