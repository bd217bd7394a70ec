import type { BullMqOptions } from '../adapters/queue/bullmq-options.js'
import { BullMqWebhookDelivery } from '../adapters/webhooks/bullmq-webhook-delivery.js'
import { HttpWebhookSender, type HttpWebhookSenderOptions, type WebhookSenderStats } from '../adapters/webhooks/http-webhook-sender.js'
import type { QueueConfig } from '../config/queue-schema.js'
import { createLifecyclePipeline, type LifecyclePipeline, type LifecyclePipelineOptions } from '../domain/lifecycle/lifecycle-pipeline.js'
import type { WebhookDeliveryPort } from '../domain/lifecycle/webhook-request.js'
import type { LifecycleApps } from '../domain/lifecycle/lifecycle-apps.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'

/** A server's lifecycle events: the pipeline the hub reports to, and the webhook delivery behind it. */
export interface ServerLifecycle {
  readonly pipeline: LifecyclePipeline
  /** Webhook delivery counters, for `/metrics`. */
  stats(): WebhookSenderStats
  /** Sends what is held, then gives the delivery up to `graceMs` to drain (a durable queue keeps the rest). */
  close(graceMs?: number): Promise<void>
}

/** Tuning of {@link createServerLifecycle}, for tests and embedders. */
export interface ServerLifecycleOptions {
  readonly sender?: Omit<HttpWebhookSenderOptions, 'logger'>
  readonly pipeline?: Pick<LifecyclePipelineOptions, 'delayMs' | 'batchWindowMs' | 'batchMaxEvents'>
}

/** Longest a closing server waits for queued webhooks to go out, ms. */
const CLOSE_GRACE_MS = 2000

type Delivery = WebhookDeliveryPort & { stats(): WebhookSenderStats; close(graceMs: number): Promise<void> }

/**
 * Builds the lifecycle pipeline over the apps' webhook targets: the config's list, or (an app provider such as
 * PostgreSQL) {@link LifecycleApps}, which answers from memory and makes only an app never seen wait for a lookup.
 * Requests go through the durable queue when the default queue connection is `bullmq` and some app may have
 * webhooks (they then survive a restart), else through the in-memory sender. A provider's apps are not listed and
 * a row may gain webhooks at any time, so behind a provider a `bullmq` default always means the durable queue.
 */
export async function createServerLifecycle(apps: StaticAppLookup | LifecycleApps, logger: LoggerPort, options: ServerLifecycleOptions = {}, queue?: QueueConfig): Promise<ServerLifecycle> {
  const listed = apps instanceof StaticAppLookup
  const mayHaveWebhooks = listed ? apps.all().some((a) => (a.webhooks?.length ?? 0) > 0) : true
  const durable = mayHaveWebhooks ? durableQueue(queue) : undefined
  const delivery: Delivery = durable === undefined
    ? new HttpWebhookSender({ logger, ...options.sender })
    : await BullMqWebhookDelivery.start(durable, { logger, ...options.sender })
  const pipeline = createLifecyclePipeline({
    ...(listed ? { app: (appId: string) => apps.byId(appId) } : { app: (appId: string) => apps.app(appId), ready: (appId: string) => apps.ready(appId) }),
    delivery,
    onHookError: (err, event) => logger.error({ err, event: event.name, channel: event.channel }, 'a lifecycle hook listener failed'),
    onCountError: (err, appId, channel) => logger.warn({ err, appId, channel }, 'sending a subscription count failed'),
    ...options.pipeline,
  })
  return {
    pipeline,
    stats: () => delivery.stats(),
    async close(graceMs = CLOSE_GRACE_MS) {
      if (!listed) apps.close()
      pipeline.flush()
      await delivery.close(graceMs)
    },
  }
}

/** The default queue connection's options when it is durable (bullmq). */
function durableQueue(queue: QueueConfig | undefined): BullMqOptions | undefined {
  const connection = queue === undefined ? undefined : queue.connections[queue.default]
  return connection?.driver === 'bullmq' ? connection : undefined
}
