import type { BroadcastJob } from './broadcast-job.js'

/** Delivers one job now: what a worker (or the sync queue) calls. Supplied by the `Broadcasting` manager. */
export type DeliverJob = (job: BroadcastJob) => Promise<void>

/**
 * Where queued broadcasts go (Laravel's queue connection). A durable queue stores the job and resolves
 * once it is stored; its worker, maybe in another process, delivers it later and ignores `deliver`.
 * The sync queue calls `deliver` at once, which is today's behaviour.
 */
export interface QueuePort {
  /** Stores (or, for the sync queue, runs) the job. Rejects when it cannot be stored. */
  push(job: BroadcastJob, deliver: DeliverJob): Promise<void>
  /** Releases connections. Optional. */
  close?(): Promise<void>
}
