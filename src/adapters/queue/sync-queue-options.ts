import { Type, type Static } from 'typebox'

/** The `sync` queue takes no options: it delivers at once, in the dispatching call. */
export const SyncQueueOptionsSchema = Type.Object({}, { additionalProperties: false })

/** Validated options of the `sync` queue (none). */
export type SyncQueueOptions = Static<typeof SyncQueueOptionsSchema>
