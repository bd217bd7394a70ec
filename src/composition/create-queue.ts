import { BullMqQueue } from '../adapters/queue/bullmq-queue.js'
import { SyncQueue } from '../adapters/queue/sync-queue.js'
import type { QueueConfig } from '../config/queue-schema.js'
import type { QueueConnections } from '../domain/broadcasting/broadcasting.js'
import type { QueuePort } from '../domain/queue/queue-port.js'

/**
 * Builds the queue connections named in the `queue` config section, for `new Broadcasting({ …, queues })`
 * or `createBroadcasting(config, deps, createQueues(config.queue))`. Nothing connects yet: a bullmq queue
 * connects to Redis on its first push.
 *
 * @example
 * const config = loadConfig({ queue: { default: 'bullmq' } })
 * const broadcasting = createBroadcasting(config, {}, createQueues(config.queue))
 */
export function createQueues(config: QueueConfig): QueueConnections {
  const connections: Record<string, QueuePort> = {}
  for (const [name, connection] of Object.entries(config.connections)) {
    connections[name] = connection.driver === 'bullmq' ? new BullMqQueue(connection) : new SyncQueue()
  }
  return { default: config.default, connections }
}
