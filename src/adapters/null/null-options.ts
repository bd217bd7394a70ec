import { Type, type Static } from 'typebox'

/** The `null` driver takes no options. */
export const NullOptionsSchema = Type.Object({}, { additionalProperties: false })

/** Validated options of the `null` driver (none). */
export type NullOptions = Static<typeof NullOptionsSchema>
