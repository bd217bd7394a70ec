import { Type, type Static } from 'typebox'

/**
 * Options of the `local` driver, which hands broadcasts to this process's own WebSocket connections.
 * It only works inside a Herald server (the Fastify host supplies the realtime hub).
 */
export const LocalOptionsSchema = Type.Object(
  {
    appId: Type.Optional(
      Type.String({ minLength: 1, description: "Id of the app whose subscribers receive the broadcasts. @default the first configured app's id" }),
    ),
  },
  { additionalProperties: false },
)

/** Validated options of the `local` driver. */
export type LocalOptions = Static<typeof LocalOptionsSchema>
