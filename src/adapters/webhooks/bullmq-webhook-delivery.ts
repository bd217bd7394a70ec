import type { Job, Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { WebhookDeliveryPort, WebhookRequest } from '../../domain/lifecycle/webhook-request.js'
import { DEFAULT_WEBHOOK_RETRY, nextRetryDelayMs, type WebhookRetryPolicy } from '../../domain/lifecycle/webhook-retry.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { createBullMqRedis } from '../queue/bullmq-connection.js'
import type { BullMqOptions } from '../queue/bullmq-options.js'
import type { WebhookSenderStats } from './http-webhook-sender.js'
import { attemptProblem, postWebhook } from './post-webhook.js'

/** The BullMQ queue webhook requests wait in (next to the broadcast queues, under the same prefix). */
export const WEBHOOK_QUEUE = 'herald-webhooks'
/** The backoff type this delivery computes itself: the retry policy, bounded in time. */
const WEBHOOK_BACKOFF = 'herald-webhook'
/** BullMQ needs a number of attempts; the time bound (`retryForMs`) is what really ends the retries. */
const MAX_ATTEMPTS = 1000
/** Failed requests kept in the failed set for inspection, newest first. */
const KEEP_FAILED = 1000

/** Options of {@link BullMqWebhookDelivery}. */
export interface BullMqWebhookDeliveryOptions {
  readonly logger: LoggerPort
  /** Most `add`s in flight (Redis slow or away); more are dropped and counted. @default 10000 */
  readonly maxPending?: number | undefined
  /** Requests in flight per server. @default 8 */
  readonly concurrency?: number | undefined
  /** One attempt's time limit, ms. @default 5000 */
  readonly timeoutMs?: number | undefined
  /** @default exponential backoff from 1 s, at most 60 s apart, for 5 minutes */
  readonly retry?: WebhookRetryPolicy | undefined
}

/**
 * Webhook delivery through a durable BullMQ queue: `deliver` stores the signed request in Redis, and every
 * server's worker takes requests from it, so a request waiting for its retry survives a restart (and, in a
 * cluster, is sent by one server). Retries follow the same policy as the in-memory sender, then the request
 * stays in BullMQ's failed set and is logged.
 */
export class BullMqWebhookDelivery implements WebhookDeliveryPort {
  readonly #queue: Queue
  readonly #worker: Worker
  readonly #redis: Redis
  readonly #logger: LoggerPort
  readonly #maxPending: number
  #adding = 0
  #delivered = 0
  #failed = 0
  #dropped = 0
  #retried = 0
  #closed = false

  private constructor(queue: Queue, worker: Worker, redis: Redis, options: BullMqWebhookDeliveryOptions) {
    this.#queue = queue
    this.#worker = worker
    this.#redis = redis
    this.#logger = options.logger
    this.#maxPending = options.maxPending ?? 10_000
    worker.on('completed', () => void this.#delivered++)
    worker.on('failed', (job, err) => this.#onFailed(job, err))
    worker.on('error', (err) => this.#logger.warn({ err }, 'webhook worker: Redis error; BullMQ reconnects'))
    queue.on('error', (err) => this.#logger.warn({ err }, 'webhook queue: Redis error; BullMQ reconnects'))
  }

  /** Connects the queue and starts this server's worker on it. */
  static async start(bullmq: BullMqOptions, options: BullMqWebhookDeliveryOptions): Promise<BullMqWebhookDelivery> {
    const { Queue, Worker } = await import('bullmq')
    const redis = await createBullMqRedis(bullmq.url)
    const retry = options.retry ?? DEFAULT_WEBHOOK_RETRY
    const timeoutMs = options.timeoutMs ?? 5000
    const queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: bullmq.prefix })
    const worker = new Worker(WEBHOOK_QUEUE, (job: Job) => postWebhook(job.data as WebhookRequest, timeoutMs), {
      connection: redis,
      prefix: bullmq.prefix,
      concurrency: options.concurrency ?? 8,
      lockDuration: bullmq.lockDurationMs,
      stalledInterval: bullmq.stalledIntervalMs,
      // -1 tells BullMQ to stop: the policy's time bound, counted from when the request was stored.
      settings: { backoffStrategy: (attemptsMade, _type, _err, job) => nextRetryDelayMs(retry, attemptsMade, Date.now() - (job?.timestamp ?? 0)) ?? -1 },
    })
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()])
    return new BullMqWebhookDelivery(queue, worker, redis, options)
  }

  stats(): WebhookSenderStats {
    return { delivered: this.#delivered, failed: this.#failed, dropped: this.#dropped, retried: this.#retried, pending: this.#adding }
  }

  deliver(request: WebhookRequest): void {
    if (this.#closed) return
    if (this.#adding >= this.#maxPending) {
      this.#dropped++
      if (this.#dropped % 1000 === 1) this.#logger.error({ url: request.url, appId: request.appId, dropped: this.#dropped }, 'webhook dropped: too many waiting to be queued')
      return
    }
    this.#adding++
    this.#queue
      .add('webhook', request, { attempts: MAX_ATTEMPTS, backoff: { type: WEBHOOK_BACKOFF }, removeOnComplete: true, removeOnFail: KEEP_FAILED })
      .catch((err: unknown) => {
        this.#dropped++
        this.#logger.error({ err, url: request.url, appId: request.appId }, 'webhook dropped: it could not be queued')
      })
      .finally(() => this.#adding--)
  }

  /** Stops this server's worker (running requests finish) and disconnects; queued requests stay in Redis. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#worker.close()
    await this.#queue.close()
    this.#redis.disconnect()
  }

  #onFailed(job: Job | undefined, err: Error): void {
    if (job === undefined) return
    const request = job.data as WebhookRequest
    const fields = { url: request.url, appId: request.appId, events: request.events, attempts: job.attemptsMade, problem: attemptProblem(err) }
    // BullMQ reports every failed attempt; a job that is not retried again is now in the failed set.
    if (job.finishedOn !== undefined) {
      this.#failed++
      this.#logger.error(fields, 'webhook delivery failed; giving up (kept in the failed set)')
    } else {
      this.#retried++
      this.#logger.debug(fields, 'webhook attempt failed; retrying')
    }
  }
}
