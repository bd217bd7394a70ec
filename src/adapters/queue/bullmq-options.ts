import { Type, type Static } from 'typebox'

/**
 * Options of the `bullmq` queue: BullMQ on Redis, durable, with delayed retries and failed jobs kept.
 * The worker options (`concurrency`, `lockDurationMs`, `stalledIntervalMs`) matter where
 * `startBroadcastWorker()` or `herald work` runs.
 */
export const BullMqOptionsSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, default: 'redis://127.0.0.1:6379', description: "Redis URL (REDIS_URL). @default 'redis://127.0.0.1:6379'" }),
    prefix: Type.String({ minLength: 1, default: 'herald', description: "BullMQ key prefix. @default 'herald'" }),
    queue: Type.String({ minLength: 1, default: 'broadcasts', description: "Queue used when an event has no broadcastQueue(). @default 'broadcasts'" }),
    concurrency: Type.Integer({ minimum: 1, default: 10, description: 'Jobs one worker delivers at the same time. @default 10' }),
    lockDurationMs: Type.Integer({
      minimum: 100,
      default: 30000,
      description: "How long a worker's claim on a job lasts without renewal: a killed worker's job is retried after about this long. @default 30000",
    }),
    stalledIntervalMs: Type.Integer({ minimum: 100, default: 30000, description: 'How often workers look for stalled jobs. @default 30000' }),
  },
  { additionalProperties: false },
)

/** Validated options of the `bullmq` queue. */
export type BullMqOptions = Static<typeof BullMqOptionsSchema>
