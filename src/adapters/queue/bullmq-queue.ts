import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { parseBroadcastJob, type BroadcastJob } from '../../domain/queue/broadcast-job.js'
import type { QueuePort } from '../../domain/queue/queue-port.js'
import { createBullMqRedis } from './bullmq-connection.js'
import type { BullMqOptions } from './bullmq-options.js'

/** The backoff type Herald's worker computes itself (Laravel's number-or-list `backoff`). */
export const HERALD_BACKOFF = 'herald'

/** A broadcast whose tries are exhausted, as kept in BullMQ's failed set. */
export interface FailedBroadcast {
  readonly id: string
  readonly queue: string
  /** The job as stored (plain JSON); `null` when it was not a broadcast job at all. */
  readonly job: BroadcastJob | null
  /** The last error's message. */
  readonly reason: string
  readonly attempts: number
  readonly failedAt: Date | undefined
}

/**
 * The durable `bullmq` queue's producer side: `push` stores the job in Redis and resolves; a worker
 * (`startBroadcastWorker()`, `herald work`) delivers it. Failed jobs are kept for inspection.
 */
export class BullMqQueue implements QueuePort {
  readonly #options: BullMqOptions
  readonly #queues = new Map<string, Promise<Queue>>()
  #redis: Promise<Redis> | undefined

  constructor(options: BullMqOptions) {
    this.#options = options
  }

  async push(job: BroadcastJob): Promise<void> {
    const queue = await this.#queue(job.queue ?? this.#options.queue)
    await queue.add(job.message.event, JSON.parse(JSON.stringify(job)) as BroadcastJob, {
      attempts: job.tries,
      backoff: { type: HERALD_BACKOFF },
      removeOnComplete: true,
      removeOnFail: false,
    })
  }

  /** Broadcasts whose tries are exhausted, newest first (Laravel's `queue:failed`). */
  async failed(queueName: string = this.#options.queue, limit = 100): Promise<FailedBroadcast[]> {
    const queue = await this.#queue(queueName)
    const jobs = await queue.getFailed(0, limit - 1)
    return jobs.map((j) => ({
      id: String(j.id),
      queue: queueName,
      job: tryParse(j.data),
      reason: j.failedReason,
      attempts: j.attemptsMade,
      failedAt: j.finishedOn === undefined ? undefined : new Date(j.finishedOn),
    }))
  }

  /** Jobs per state (`waiting`, `delayed`, `active`, `failed`, …) of one queue. */
  async counts(queueName: string = this.#options.queue): Promise<Record<string, number>> {
    return (await this.#queue(queueName)).getJobCounts()
  }

  async close(): Promise<void> {
    const queues = await Promise.allSettled([...this.#queues.values()])
    this.#queues.clear()
    await Promise.all(queues.flatMap((q) => (q.status === 'fulfilled' ? [q.value.close()] : [])))
    const redis = this.#redis
    this.#redis = undefined
    if (redis !== undefined) (await redis).disconnect()
  }

  #queue(name: string): Promise<Queue> {
    let queue = this.#queues.get(name)
    if (queue === undefined) {
      queue = (async () => {
        const { Queue } = await import('bullmq')
        this.#redis ??= createBullMqRedis(this.#options.url)
        return new Queue(name, { connection: await this.#redis, prefix: this.#options.prefix })
      })()
      this.#queues.set(name, queue)
    }
    return queue
  }
}

function tryParse(data: unknown): BroadcastJob | null {
  try {
    return parseBroadcastJob(data)
  } catch {
    // Shown as `job: null` in the failed list; its failure reason says why it was rejected.
    return null
  }
}
