import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { WebhookDeliveryPort, WebhookRequest } from '../../domain/lifecycle/webhook-request.js'
import { attemptProblem, postWebhook } from './post-webhook.js'
import { DEFAULT_WEBHOOK_RETRY, nextRetryDelayMs, type WebhookRetryPolicy } from '../../domain/lifecycle/webhook-retry.js'

/** Options of {@link HttpWebhookSender}. */
export interface HttpWebhookSenderOptions {
  readonly logger: LoggerPort
  /** Most requests held at once (queued, in flight or waiting to retry); more are dropped and counted. @default 10000 */
  readonly maxPending?: number
  /** Requests in flight at once. @default 8 */
  readonly concurrency?: number
  /** One attempt's time limit, ms. @default 5000 */
  readonly timeoutMs?: number
  /** @default exponential backoff from 1 s, at most 60 s apart, for 5 minutes */
  readonly retry?: WebhookRetryPolicy
}

/** Counters for `/metrics`. */
export interface WebhookSenderStats {
  /** Requests a receiver answered with 2xx. */
  readonly delivered: number
  /** Requests given up after their retry time ran out. */
  readonly failed: number
  /** Requests dropped because `maxPending` were already held. */
  readonly dropped: number
  /** Attempts that failed and were scheduled again. */
  readonly retried: number
  /** Requests held now. */
  readonly pending: number
}

interface Delivery {
  readonly request: WebhookRequest
  readonly firstAt: number
  failures: number
}

/**
 * Sends signed webhook requests over HTTP, off the WebSocket path: `deliver` only enqueues. A 2xx ends a
 * delivery; anything else (status, network error, timeout) is retried with exponential backoff until the
 * policy's time bound, then logged as failed. Memory is bounded by `maxPending`: a dead or slow receiver
 * costs at most that many held requests, and the overflow is counted and logged.
 */
export class HttpWebhookSender implements WebhookDeliveryPort {
  readonly #logger: LoggerPort
  readonly #maxPending: number
  readonly #concurrency: number
  readonly #timeoutMs: number
  readonly #retry: WebhookRetryPolicy
  readonly #queue: Delivery[] = []
  readonly #retryTimers = new Map<Delivery, NodeJS.Timeout>()
  #inFlight = 0
  #delivered = 0
  #failed = 0
  #dropped = 0
  #retried = 0
  #closed = false
  #idle: (() => void) | undefined

  constructor(options: HttpWebhookSenderOptions) {
    this.#logger = options.logger
    this.#maxPending = options.maxPending ?? 10_000
    this.#concurrency = options.concurrency ?? 8
    this.#timeoutMs = options.timeoutMs ?? 5000
    this.#retry = options.retry ?? DEFAULT_WEBHOOK_RETRY
  }

  /** Requests held now: queued, in flight or waiting to retry. */
  get pending(): number {
    return this.#queue.length + this.#inFlight + this.#retryTimers.size
  }

  stats(): WebhookSenderStats {
    return { delivered: this.#delivered, failed: this.#failed, dropped: this.#dropped, retried: this.#retried, pending: this.pending }
  }

  deliver(request: WebhookRequest): void {
    if (this.#closed) return
    if (this.pending >= this.#maxPending) {
      this.#dropped++
      // Logged on the first drop and then every 1000th, so a dead receiver does not flood the log.
      if (this.#dropped % 1000 === 1) this.#logger.error({ url: request.url, appId: request.appId, dropped: this.#dropped, maxPending: this.#maxPending }, 'webhook dropped: too many deliveries pending')
      return
    }
    this.#queue.push({ request, firstAt: Date.now(), failures: 0 })
    this.#pump()
  }

  /**
   * Stops taking requests, waits up to `graceMs` for the queue to drain, then abandons what is left
   * (retries included; they are logged as failed).
   */
  async close(graceMs: number): Promise<void> {
    this.#closed = true
    // Retries waiting for their backoff are not worth the grace period: a receiver that failed is likely still down.
    for (const [delivery, timer] of this.#retryTimers) {
      clearTimeout(timer)
      this.#giveUp(delivery, 'server shutting down')
    }
    this.#retryTimers.clear()
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([new Promise<void>((resolve) => (this.#idle = resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))])
      clearTimeout(timer)
    }
    for (const delivery of this.#queue.splice(0)) this.#giveUp(delivery, 'server shutting down')
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const delivery = this.#queue.shift() as Delivery
      this.#inFlight++
      void this.#attempt(delivery).finally(() => {
        this.#inFlight--
        this.#pump()
        if (this.pending === 0) this.#idle?.()
      })
    }
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { request } = delivery
    let problem: string
    try {
      await postWebhook(request, this.#timeoutMs)
      this.#delivered++
      return
    } catch (err) {
      problem = attemptProblem(err)
    }
    delivery.failures++
    const wait = this.#closed ? undefined : nextRetryDelayMs(this.#retry, delivery.failures, Date.now() - delivery.firstAt)
    if (wait === undefined) return this.#giveUp(delivery, problem)
    this.#retried++
    this.#logger.debug({ url: request.url, appId: request.appId, attempt: delivery.failures, problem, retryInMs: wait }, 'webhook attempt failed; retrying')
    const timer = setTimeout(() => {
      this.#retryTimers.delete(delivery)
      this.#queue.push(delivery)
      this.#pump()
    }, wait)
    timer.unref()
    this.#retryTimers.set(delivery, timer)
  }

  #giveUp(delivery: Delivery, problem: string): void {
    this.#failed++
    const { request } = delivery
    this.#logger.error({ url: request.url, appId: request.appId, events: request.events, attempts: delivery.failures, problem }, 'webhook delivery failed; giving up')
  }
}
