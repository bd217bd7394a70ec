import { BullMqWorker } from '../adapters/queue/bullmq-worker.js'
import type { QueueConfig } from '../config/queue-schema.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import { InvalidConfigError } from '../domain/errors.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'

/** Inputs of {@link startBroadcastWorker}. */
export interface BroadcastWorkerOptions {
  /** Delivers the jobs: its connections must include every connection the jobs name. */
  readonly broadcasting: Broadcasting
  /** The `queue` config section (from `loadConfig()`). */
  readonly queue: QueueConfig
  /** Queue connection to work on. @default queue.default */
  readonly connection?: string
  /** Queue names. @default the connection's `queue` option */
  readonly queues?: readonly string[]
  /** Where failed and retried broadcasts are logged. */
  readonly logger?: LoggerPort
}

/** A running worker. */
export interface BroadcastWorker {
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>
}

/**
 * Starts a worker that delivers queued broadcasts (Laravel's `queue:work` for broadcasts) in this
 * process; `npx herald work` runs the same in its own. Several workers, in any processes, can serve one queue.
 *
 * @example
 * const config = loadConfig()
 * const broadcasting = createBroadcasting(config)
 * const worker = await startBroadcastWorker({ broadcasting, queue: config.queue! })
 * // … on shutdown: await worker.close()
 * @throws InvalidConfigError when the connection is unknown or is not a bullmq connection.
 */
export async function startBroadcastWorker(options: BroadcastWorkerOptions): Promise<BroadcastWorker> {
  const name = options.connection ?? options.queue.default
  const connection = options.queue.connections[name]
  if (connection === undefined || connection.driver !== 'bullmq') {
    const why = connection === undefined
      ? `no queue connection named '${name}'; known: ${Object.keys(options.queue.connections).join(', ')}`
      : `queue connection '${name}' uses driver '${connection.driver}', which delivers at once and needs no worker; use a bullmq connection`
    throw new InvalidConfigError([{ path: `queue.connections.${name}`, message: why }])
  }
  const { broadcasting } = options
  return BullMqWorker.start(connection, (job) => broadcasting.deliver(job), {
    ...(options.queues === undefined ? {} : { queues: options.queues }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
}
