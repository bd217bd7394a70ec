import type { BroadcastJob } from '../domain/queue/broadcast-job.js'
import type { DeliverJob, QueuePort } from '../domain/queue/queue-port.js'

/**
 * The queue side of `BroadcasterFake`: records every queued job, and either delivers it at once (as
 * the sync queue does) or holds it until `run()`, so a test can assert "queued, not yet broadcast".
 */
export class QueuedJobs implements QueuePort {
  readonly #jobs: BroadcastJob[] = []
  readonly #pending: { job: BroadcastJob; deliver: DeliverJob }[] = []
  readonly #hold: boolean

  constructor(options: { hold: boolean }) {
    this.#hold = options.hold
  }

  /** Every job queued so far, in order. */
  get jobs(): readonly BroadcastJob[] {
    return this.#jobs
  }

  /** Jobs queued but not delivered yet (only when holding). */
  get pending(): number {
    return this.#pending.length
  }

  async push(job: BroadcastJob, deliver: DeliverJob): Promise<void> {
    // Through JSON, as a real queue stores it: a payload that would not survive the queue fails here too.
    JSON.stringify(job)
    this.#jobs.push(job)
    if (this.#hold) this.#pending.push({ job, deliver })
    else await deliver(job)
  }

  /** Delivers the held jobs in order, as a worker would. */
  async run(): Promise<void> {
    for (const { job, deliver } of this.#pending.splice(0)) await deliver(job)
  }

  reset(): void {
    this.#jobs.length = 0
    this.#pending.length = 0
  }
}
