import { Type, type Static, type TProperties } from 'typebox'
import { BullMqOptionsSchema } from '../adapters/queue/bullmq-options.js'
import { SyncQueueOptionsSchema } from '../adapters/queue/sync-queue-options.js'

/** Every queue driver name, in the order error messages list them. */
export const QUEUE_DRIVER_NAMES = ['sync', 'bullmq'] as const

/** The name of a built-in queue driver. */
export type QueueDriverName = (typeof QUEUE_DRIVER_NAMES)[number]

function queueConnectionSchema<D extends QueueDriverName, P extends TProperties>(driver: D, options: { properties: P }) {
  return Type.Object({ driver: Type.Literal(driver), ...options.properties }, { additionalProperties: false })
}

/** Per-driver queue connection schemas, keyed by driver name. */
export const QueueConnectionSchemas = {
  sync: queueConnectionSchema('sync', SyncQueueOptionsSchema),
  bullmq: queueConnectionSchema('bullmq', BullMqOptionsSchema),
} as const

/** A validated queue connection. */
export type QueueConnectionConfig = Static<(typeof QueueConnectionSchemas)[QueueDriverName]>

/** The `queue` section: Laravel's `config/queue.php` shape, for broadcasts. */
export const QueueConfigSchema = Type.Object(
  {
    default: Type.String({ minLength: 1, default: 'sync', description: "Default queue connection (QUEUE_CONNECTION). @default 'sync'" }),
    connections: Type.Record(Type.String(), Type.Union([QueueConnectionSchemas.sync, QueueConnectionSchemas.bullmq]), { default: {} }),
  },
  { additionalProperties: false },
)

/** The validated `queue` section. */
export type QueueConfig = Static<typeof QueueConfigSchema>

/** One queue connection as a user writes it; `driver` may be left out for a connection named after its driver. */
export type QueueConnectionInput =
  | { readonly driver?: 'sync' }
  | ({ readonly driver?: 'bullmq' } & Partial<Omit<Static<typeof QueueConnectionSchemas.bullmq>, 'driver'>>)

/** The `queue` section as a user writes it. */
export interface QueueConfigInput {
  readonly default?: string
  readonly connections?: Readonly<Record<string, QueueConnectionInput>>
}
