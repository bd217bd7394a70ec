import type { Job, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import { backoffDelayMs } from '../../domain/queue/backoff.js'
import { parseBroadcastJob, type BroadcastJob } from '../../domain/queue/broadcast-job.js'
import type { DeliverJob } from '../../domain/queue/queue-port.js'
import { createBullMqRedis } from './bullmq-connection.js'
import type { BullMqOptions } from './bullmq-options.js'

/** Where and how a worker runs. */
export interface BullMqWorkerOptions {
  /** Queue names to work on. @default [options.queue] */
  readonly queues?: readonly string[]
  readonly logger?: LoggerPort
}

/**
 * Delivers queued broadcasts from BullMQ: each job is parsed (a job that is not a broadcast job fails
 * at once, without retries), delivered through `deliver`, and retried with the event's `backoff` until
 * its `tries` are used up; then it stays in the failed set and is logged as an error. A job whose
 * worker died is taken over by another worker once its lock expires (`lockDurationMs`).
 */
export class BullMqWorker {
  readonly #workers: Worker[]
  readonly #redis: Redis

  private constructor(workers: Worker[], redis: Redis) {
    this.#workers = workers
    this.#redis = redis
  }

  /** Starts one BullMQ worker per queue name; resolves once they are connected. */
  static async start(options: BullMqOptions, deliver: DeliverJob, worker: BullMqWorkerOptions = {}): Promise<BullMqWorker> {
    const { Worker, UnrecoverableError } = await import('bullmq')
    const logger = worker.logger ?? nullLogger
    const redis = await createBullMqRedis(options.url)
    const handle = async (job: Job): Promise<void> => {
      let parsed: BroadcastJob
      try {
        parsed = parseBroadcastJob(job.data)
      } catch (error) {
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error))
      }
      await deliver(parsed)
    }
    const workers = (worker.queues ?? [options.queue]).map(
      (name) =>
        new Worker(name, handle, {
          connection: redis,
          prefix: options.prefix,
          concurrency: options.concurrency,
          lockDuration: options.lockDurationMs,
          stalledInterval: options.stalledIntervalMs,
          settings: { backoffStrategy: (attemptsMade, _type, _err, job) => backoffDelayMs(backoffOf(job?.data), attemptsMade) },
        }),
    )
    for (const w of workers) {
      w.on('failed', (job, err) => logFailure(logger, job, err))
      w.on('error', (err) => logger.warn({ err }, 'broadcast worker: Redis error; BullMQ reconnects'))
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()))
    return new BullMqWorker(workers, redis)
  }

  /** Stops taking jobs, waits for the running ones, and disconnects. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()))
    this.#redis.disconnect()
  }
}

function backoffOf(data: unknown): number | readonly number[] {
  const backoff = (data as { backoff?: unknown } | undefined)?.backoff
  return typeof backoff === 'number' || Array.isArray(backoff) ? (backoff as number | number[]) : 0
}

function logFailure(logger: LoggerPort, job: Job | undefined, err: Error): void {
  if (job === undefined) return
  const data = job.data as Partial<BroadcastJob>
  const fields = { err, jobId: job.id, queue: job.queueName, event: data.message?.event, channels: data.message?.channels, attempt: job.attemptsMade }
  const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError'
  if (exhausted) logger.error(fields, 'broadcast failed: tries exhausted; kept in the failed set')
  else logger.warn(fields, 'broadcast attempt failed; will retry')
}
