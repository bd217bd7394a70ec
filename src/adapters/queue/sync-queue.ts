import type { BroadcastJob } from '../../domain/queue/broadcast-job.js'
import type { DeliverJob, QueuePort } from '../../domain/queue/queue-port.js'

/**
 * The `sync` queue (Laravel's): delivers the job at once, inside the dispatching call, so a driver
 * failure reaches the caller. Tried once; `tries` and `backoff` are for durable queues.
 */
export class SyncQueue implements QueuePort {
  async push(job: BroadcastJob, deliver: DeliverJob): Promise<void> {
    await deliver(job)
  }
}
